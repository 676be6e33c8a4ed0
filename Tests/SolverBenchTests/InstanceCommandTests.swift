import Foundation
import Testing

/// `solverbench instance`: a model file or zoo name plus a scenario in, a validated instance out.
@Suite struct InstanceCommandTests {
  private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
  private static let corpus = root.appendingPathComponent("Tests/ModelImportTests/Fixtures/torchvision")

  private func temporary(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-\(UUID().uuidString)-\(name)")
  }

  /// The shipped measured instances are what the command writes from the corpus graph and the
  /// shipped profile (so the profile's layer names are the importer's).
  @Test(arguments: [("resnet18", "100", "latency"), ("mobilenet_v2", "100", "latency"), ("mobilenet_v2", "100", "throughput"),
                    ("squeezenet1_1", "1000", "latency")])
  func shippedMeasuredInstancesAreReproducible(model: String, mbps: String, objective: String) throws {
    let stem = "measured-\(model)-\(mbps)mbps-\(objective)"
    let output = temporary("\(stem).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try runProduct("solverbench", [
      "instance", "surgery", Self.corpus.appendingPathComponent("\(model).onnx").path,
      "--profile", Self.root.appendingPathComponent("instances/profiles/\(model)-device.csv").path,
      "--server-gflops", "1000", "--uplink-mbps", mbps, "--objective", objective, "--name", stem, "-o", output.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let shipped = try Data(contentsOf: Self.root.appendingPathComponent("instances/surgery/\(stem).json"))
    #expect(try Data(contentsOf: output) == shipped, "instances/surgery/\(stem).json is stale")
  }

  /// Every layer measured on the device: no device speed needed; a layer without a time needs it.
  @Test func measuredTimesMakeTheSpeedOptional() throws {
    let model = Self.corpus.appendingPathComponent("squeezenet1_1.onnx").path
    let profile = Self.root.appendingPathComponent("instances/profiles/squeezenet1_1-device.csv").path
    let measured = try runProduct("solverbench", ["instance", "surgery", model, "--profile", profile,
                                                  "--server-gflops", "100", "--uplink-mbps", "10"])
    #expect(measured.status == 0 && !measured.stdout.contains("deviceGflops") && measured.stdout.contains("\"deviceMs\""), "\(measured.stderr)")
    let unmeasured = try runProduct("solverbench", ["instance", "surgery", model, "--server-gflops", "100", "--uplink-mbps", "10"])
    #expect(unmeasured.status == 2)
    #expect(unmeasured.stderr.contains("deviceGflops: is required: 38 of 38 layers have no measured deviceMs"), "\(unmeasured.stderr)")
  }

  @Test func fusedFromAZooNameAndAClearErrorForTransformers() throws {
    let output = temporary("fused.json")
    defer { try? FileManager.default.removeItem(at: output) }
    let fused = try runProduct("solverbench", ["instance", "fused", "vgg16", "--device-gflops", "10", "--server-gflops", "100",
                                               "--uplink-mbps", "50", "--max-block-length", "4", "-o", output.path])
    #expect(fused.status == 0, "\(fused.stderr)")
    let solved = try runProduct("solverbench", ["solve", output.path])
    #expect(solved.status == 0 && solved.stdout.contains("P3 fused-layer plan"), "\(solved.stderr)")
    let vit = try runProduct("solverbench", ["instance", "fused", Self.corpus.appendingPathComponent("vit_b_16.onnx").path,
                                             "--device-gflops", "10", "--server-gflops", "100", "--uplink-mbps", "50"])
    #expect(vit.status == 2)
    #expect(vit.stderr.contains("transformers do not tile"), "\(vit.stderr)")
  }

  /// A scenario file of any family, with "@model" where the model goes and flags on top.
  @Test func scenarioFileTakesTheModel() throws {
    let scenario = temporary("scenario.json")
    defer { try? FileManager.default.removeItem(at: scenario) }
    try Data(#"{"model": "@model", "deviceGflops": 5, "serverGflops": 50, "uplinkMbps": 8, "objective": "throughput"}"#.utf8).write(to: scenario)
    let result = try runProduct("solverbench", ["instance", "surgery", "alexnet", "--scenario", scenario.path, "--uplink-mbps", "16"])
    #expect(result.status == 0, "\(result.stderr)")
    let instance = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(instance["uplinkMbps"] as? Double == 16 && instance["objective"] as? String == "throughput")
    #expect((instance["model"] as? [String: Any])?["name"] as? String == "alexnet")
    let noScenario = try runProduct("solverbench", ["instance", "admission", "alexnet"])
    #expect(noScenario.status == 2 && noScenario.stderr.contains("--scenario"), "\(noScenario.stderr)")
  }

  /// Admission and upload instances from a zoo model through their scenario files (the model is
  /// used by name in a request, and by value in every UE), then solved to a feasible plan.
  @Test(arguments: [
    ("admission", "alexnet", #"{"format": "edgesplit/1", "problem": "admission", "models": ["@model"], "cloudlets": [{"name": "edge", "threads": 4, "threadGflops": 50}], "requests": [{"name": "phone", "model": "@model.name", "deviceGflops": 10, "uplinkMbps": 20, "delaysMs": [5], "deadlineMs": 500}]}"#,
     "P1 admission plan"),
    ("upload", "resnet18", #"{"format": "edgesplit/1", "problem": "upload", "serverGflops": 200, "bandwidthMbps": 100, "ues": [{"name": "a", "model": "@model", "deviceGflops": 10, "maxUplinkMbps": 50}, {"name": "b", "model": "@model", "deviceGflops": 20, "maxUplinkMbps": 100}]}"#,
     "P4 upload plan"),
  ])
  func otherFamiliesFromAScenarioFile(problem: String, model: String, scenario text: String, planLine: String) throws {
    let scenario = temporary("scenario.json"), output = temporary("\(problem).json")
    defer { for url in [scenario, output] { try? FileManager.default.removeItem(at: url) } }
    try Data(text.utf8).write(to: scenario)
    let built = try runProduct("solverbench", ["instance", problem, model, "--scenario", scenario.path, "-o", output.path])
    #expect(built.status == 0, "\(built.stderr)")
    let solved = try runProduct("solverbench", ["solve", output.path])
    #expect(solved.status == 0 && solved.stdout.contains(planLine), "\(solved.stderr)")
  }

  @Test func inputShapeForSymbolicSizes() throws {
    let file = Self.corpus.appendingPathComponent("shufflenet_v2_x0_5-dynamic.onnx").path
    let without = try runProduct("solverbench", ["import-onnx", file])
    #expect(without.status == 2 && without.stderr.contains("--input-shape"), "\(without.stderr)")
    let with = try runProduct("solverbench", ["import-onnx", file, "--input-shape", "1x3x224x224"])
    #expect(with.status == 0, "\(with.stderr)")
    let bad = try runProduct("solverbench", ["import-onnx", file, "--input-shape", "1x3x-5x224"])
    #expect(bad.status == 2 && bad.stderr.contains("--input-shape"), "\(bad.stderr)")
  }

  /// The plan in JSON names the layers and the cut; the DOT labels the cut with its bytes and
  /// lists the stage times.
  @Test func plansNameLayersCutBytesAndStages() throws {
    let file = Self.root.appendingPathComponent("instances/surgery/measured-mobilenet_v2-100mbps-latency.json").path
    let json = try runProduct("solverbench", ["solve", file, "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let plan = try #require(document["plan"] as? [String: Any])
    let cut = try #require(plan["cut"] as? [[String: Any]])
    #expect(cut.count == 1 && cut[0]["bytes"] as? Double == 50176 && plan["cutBytes"] as? Double == 50176)
    #expect((plan["deviceLayers"] as? [String])?.first == "node_Conv_810")
    #expect((plan["stages"] as? [[String: Any]])?.map { $0["stage"] as? String } == ["device", "transfer", "server"])
    let dot = try runProduct("solverbench", ["solve", file, "--format", "dot"])
    #expect(dot.stdout.contains("label=\"49.0 KiB\"") && dot.stdout.contains("Tt (uplink) 4.014 ms"), "\(dot.stdout.suffix(600))")
    let text = try runProduct("solverbench", ["solve", file])
    #expect(text.stdout.contains("device layers (24 of 64): node_Conv_810 … node_Conv_870 (24 layers)"), "\(text.stdout)")
    #expect(text.stdout.hasPrefix("solver p2-dsl: optimal, objective 8.746 ms\n"), "objectives in the plan's unit: \(text.stdout)")
  }
}
