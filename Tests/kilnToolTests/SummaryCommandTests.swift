import Testing

/// `kiln summary` prints the exact counts of the classic networks (built only, not run).
@Suite("kiln summary")
struct SummaryCommandTests {
    @Test(arguments: [
        (["--model", "alexnet", "--input", "3,227,227", "--classes", "1000"], "Trainable params: 62378344\nNon-trainable params: 0\n"),
        (["--model", "vgg16", "--input", "3,224,224", "--classes", "1000"], "Trainable params: 138357544\nNon-trainable params: 0\n"),
        (["--model", "resnet18", "--input", "3,224,224", "--classes", "1000"], "Trainable params: 11689512\nNon-trainable params: 9600\n"),
        (["--model", "resnet20", "--input", "3,32,32"], "Trainable params: 272474\nNon-trainable params: 1568\n"),
    ])
    func printsExactCounts(_ arguments: [String], _ expected: String) throws {
        let r = try KilnBinary.run(["summary"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix(expected), "\(r.stdout.suffix(200))")
    }
}
