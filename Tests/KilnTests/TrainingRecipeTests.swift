import Testing
@testable import Kiln

@Suite("Training recipes")
struct TrainingRecipeTests {
    /// Every recipe names a zoo model that builds for Fashion-MNIST and an optimizer that
    /// parses with its learning rate and L2.
    @Test(arguments: TrainingRecipe.all)
    func recipeIsBuildable(_ r: TrainingRecipe) throws {
        let model = try ModelZoo.make(r.model, input: [1, 28, 28], classes: 10)
        #expect(model.outputShape == [10])
        let optimizer = try OptimizerName(parsing: r.optimizer).make(learningRate: r.learningRate, regularization: .l2(r.l2),
                                                                      weightDecay: nil)
        #expect(optimizer.learningRate == r.learningRate)
        #expect(["constant", "cosine"].contains(r.schedule))
        #expect(r.commandLine.contains("--model \(r.model) ") && r.commandLine.contains("--epochs \(r.epochs) "))
        #expect(r.commandLine.hasSuffix("--augment-flip \(r.flipProbability) --augment-shift \(r.maxShift) --augment-erase \(r.erasingProbability) "
                                        + "--label-smoothing \(r.labelSmoothing) --tta-flip \(r.testTimeFlip) --tta-shift \(r.testTimeShift)"))
        #expect((0...1).contains(r.erasingProbability))
        #expect(r.labelSmoothing >= 0 && r.labelSmoothing < 1)
        #expect(r.testTimeShift >= 0 && r.testTimeShift < 28)
    }

    @Test func namesAreUniqueAndFound() {
        #expect(Set(TrainingRecipe.names).count == TrainingRecipe.all.count)
        #expect(TrainingRecipe.named("fashion-bn")?.model == "bn-cnn")
        #expect(TrainingRecipe.named("nope") == nil)
    }
}
