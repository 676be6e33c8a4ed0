import Foundation
import Testing

/// `solverbench import-onnx` and `import-csv` end to end: a model file out, or exit 2 with a message.
@Suite struct ImportCommandTests {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../ModelImportTests/Fixtures").standardized

  @Test func onnxBecomesAModelFileThatLoadsInAnInstance() throws {
    let result = try runProduct("solverbench", ["import-onnx", Self.fixtures.appendingPathComponent("resnet-block.onnx").path])
    #expect(result.status == 0, "\(result.stderr)")
    let model = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(model["name"] as? String == "resnet-block")
    #expect((model["layers"] as? [Any])?.isEmpty == false)
    // The imported model is usable as is: a P2 instance around it solves and is feasible.
    let instance: [String: Any] = ["format": "edgesplit/1", "problem": "surgery", "model": model, "deviceGflops": 10,
                                   "serverGflops": 400, "uplinkMbps": 20, "objective": "latency"]
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-onnx-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: instance).write(to: file)
    let solved = try runProduct("solverbench", ["solve", file.path])
    #expect(solved.status == 0 && solved.stdout.hasPrefix("solver p2-dsl: optimal"), "\(solved.stderr)")
  }

  @Test func unsupportedOperatorsAndTruncatedFilesExitTwo() throws {
    let unsupported = try runProduct("solverbench", ["import-onnx", Self.fixtures.appendingPathComponent("unsupported.onnx").path])
    #expect(unsupported.status == 2)
    #expect(unsupported.stderr.contains("unsupported operator"))
    let truncated = try runProduct("solverbench", ["import-onnx", Self.fixtures.appendingPathComponent("truncated.onnx").path])
    #expect(truncated.status == 2 && truncated.stderr.hasPrefix("error: "))
  }

  @Test func csvProfileBecomesAModelWithMeasuredTimes() throws {
    let result = try runProduct("solverbench", ["import-csv", Self.fixtures.appendingPathComponent("profile.csv").path,
                                                "--name", "measured", "--input-bytes", "150528"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"deviceMs\"") && result.stdout.contains("\"serverMs\""))
  }
}
