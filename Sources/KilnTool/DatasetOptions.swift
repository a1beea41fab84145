import ArgumentParser
import Foundation
import Kiln

/// Flags that choose the data: which dataset and where its files are.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Dataset: fashion-mnist, mnist or cifar10.")
    var dataset: String = "fashion-mnist"

    @Option(help: "Directory with the dataset files (default: Debian's /usr/share/datasets/fashion-mnist for fashion-mnist).")
    var data: String?

    func validate() throws {
        guard ["fashion-mnist", "mnist", "cifar10"].contains(dataset) else {
            throw ValidationError("unknown dataset '\(dataset)'; available: fashion-mnist, mnist, cifar10")
        }
        if dataset != "fashion-mnist", data == nil {
            throw ValidationError("\(dataset) needs --data DIR (the directory with its files)")
        }
    }

    func load(_ split: DatasetSplit, limit: Int? = nil) throws -> Dataset {
        let dir = data.map { URL(fileURLWithPath: $0) }
        switch dataset {
        case "mnist":
            return try MNIST.load(directory: dir!, split: split, limit: limit)
        case "cifar10":
            return try CIFAR10.load(directory: dir!, split: split, limit: limit)
        default:
            return try FashionMNIST.load(directory: dir ?? FashionMNIST.defaultDirectory, split: split, limit: limit)
        }
    }
}
