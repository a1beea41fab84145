import Foundation
import Testing

/// `kiln train --recipe`: the recipe's settings, with explicit flags taking precedence, on a
/// tiny run (8 images, the small mlp in place of the recipe's model) of real Fashion-MNIST.
@Suite("kiln train --recipe")
struct RecipeCommandTests {
    @Test func explicitFlagsOverrideTheRecipe() throws {
        try #require(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"), "apt-get install dataset-fashion-mnist")
        let r = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "fashion-bn", "--model", "mlp", "--epochs", "1",
                                    "--lr", "0.5", "--augment-erase", "0.25", "--limit", "8"])
        #expect(r.stdout.contains("settings: --model mlp --optimizer adam --lr 0.5 --l2 0.0 --batch-size 128 --epochs 1 "
                                  + "--schedule cosine --augment-flip 0.5 --augment-shift 0 --augment-erase 0.25 "
                                  + "--label-smoothing 0.0 --tta-flip false --tta-shift 0 (recipe fashion-bn)"), "\(r.stdout)")
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// fashion-resnet's label smoothing and test-time views, and flags that turn them off.
    @Test func smoothingAndTestTimeViewsFollowTheRecipeOrTheFlags() throws {
        try #require(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"), "apt-get install dataset-fashion-mnist")
        let recipe = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "fashion-resnet", "--model", "mlp", "--epochs", "1",
                                         "--limit", "8"])
        #expect(recipe.stdout.contains("--label-smoothing 0.1 --tta-flip true --tta-shift 1 (recipe fashion-resnet)"), "\(recipe.stdout)")
        #expect(recipe.stdout.contains("logits averaged over 10 views (mirror images, shifts of 1 pixel)"), "\(recipe.stdout)")
        #expect(recipe.status == 0, "\(recipe.stderr)")
        let off = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "fashion-resnet", "--model", "mlp", "--epochs", "1",
                                      "--limit", "8", "--label-smoothing", "0", "--tta-flip", "false"])
        #expect(off.stdout.contains("--label-smoothing 0.0 --tta-flip false --tta-shift 1 (recipe fashion-resnet)"), "\(off.stdout)")
        #expect(off.stdout.contains("logits averaged over 5 views (shifts of 1 pixel)") && !off.stdout.contains("mirror"), "\(off.stdout)")
        #expect(off.status == 0, "\(off.stderr)")
    }

    /// A model file replaces the recipe's model, and the settings line says so.
    @Test func modelFileOverridesTheRecipesModel() throws {
        try #require(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"), "apt-get install dataset-fashion-mnist")
        let dir = try Scratch.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.json")
        try Data(#"{"input": [1, 28, 28], "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 10}]}"#.utf8).write(to: file)
        let r = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "fashion-bn", "--model-file", file.path,
                                    "--epochs", "1", "--limit", "8"])
        #expect(r.stdout.contains("settings: --model-file \(file.path) --optimizer adam --lr 0.001 "), "\(r.stdout)")
        #expect(!r.stdout.contains("--model bn-cnn"), "\(r.stdout)")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func unknownRecipeIsOneClearLine() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "nope"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown recipe 'nope'; available: fashion-bn, fashion-resnet"), "\(r.stderr)")
    }
}
