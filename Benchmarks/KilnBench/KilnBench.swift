import Kiln
import KilnOpenCL
