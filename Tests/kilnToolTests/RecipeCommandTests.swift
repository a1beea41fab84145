import Testing

/// `kiln train --recipe`: the recipe's settings, with explicit flags taking precedence. The
/// settings line is printed before any data is read, so a missing data directory ends the
/// run right after it.
@Suite("kiln train --recipe")
struct RecipeCommandTests {
    @Test func explicitFlagsOverrideTheRecipe() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "fashion-bn", "--epochs", "2", "--lr", "0.5",
                                    "--data", "/nonexistent/dir"])
        #expect(r.stdout.contains("settings: --model bn-cnn --optimizer adam --lr 0.5 --l2 0.0 --batch-size 128 --epochs 2 "
                                  + "--schedule cosine --augment-flip 0.0 --augment-shift 0 (recipe fashion-bn)"), "\(r.stdout)")
        #expect(r.status == 1)
    }

    @Test func withoutARecipeTheDefaultsHold() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--data", "/nonexistent/dir"])
        #expect(r.stdout.contains("settings: --model simple-cnn --optimizer adam --lr default --l2 0.0 --batch-size 32 "
                                  + "--epochs 3 --schedule constant"), "\(r.stdout)")
    }

    @Test func unknownRecipeIsOneClearLine() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--recipe", "nope"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown recipe 'nope'; available: fashion-bn, fashion-resnet"), "\(r.stderr)")
    }
}
