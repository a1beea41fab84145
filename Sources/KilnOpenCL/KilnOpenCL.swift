import COpenCL
import Kiln
