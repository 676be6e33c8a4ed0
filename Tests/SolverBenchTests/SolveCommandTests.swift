import Foundation
import Testing

/// `solverbench solve`: plans in three formats for every family, and the solutions folder of `run`.
@Suite struct SolveCommandTests {
  static let files = [
    "admission/small-01.json", "surgery/googlenet-phone-100mbps-latency.json", "fused/vgg16-r40-up20.json",
  ]

  @Test func textPlansSayWhatRunsWhere() throws {
    let admission = try runProduct("solverbench", ["solve", shippedInstance(Self.files[0])])
    #expect(admission.status == 0, "\(admission.stderr)")
    #expect(admission.stdout.hasPrefix("solver p1-ilp-pruned: optimal, objective 6.0, bound 6.0\n"))
    #expect(admission.stdout.contains("6 of 8 requests admitted"))
    #expect(admission.stdout.contains("rejected (least latency reachable"))
    let surgery = try runProduct("solverbench", ["solve", shippedInstance(Self.files[1])])
    #expect(surgery.status == 0, "\(surgery.stderr)")
    #expect(surgery.stdout.hasPrefix("solver p2-dsl: optimal"))
    for line in ["device layers (", "tensors sent: ", "Te ", "latency "] { #expect(surgery.stdout.contains(line), "\(line)") }
    let fused = try runProduct("solverbench", ["solve", shippedInstance(Self.files[2]), "--solver", "p3-psomw", "--seed", "3"])
    #expect(fused.status == 0, "\(fused.stderr)")
    #expect(fused.stdout.hasPrefix("solver p3-psomw: finished (no optimality proof)"))
    #expect(fused.stdout.contains("makespan "))
  }

  @Test(arguments: files)
  func jsonIsAVersionedSolutionDocument(file: String) throws {
    let result = try runProduct("solverbench", ["solve", shippedInstance(file), "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["format"] as? String == "edgesplit-solution/1")
    #expect(object["problem"] as? String == String(file.prefix { $0 != "/" }))
    #expect(object["feasible"] as? Bool == true)
    #expect(object["objective"] as? Double != nil && object["solution"] as? [String: Any] != nil)
  }

  @Test(arguments: files)
  func dotIsAGraphvizDigraphColouredBySide(file: String) throws {
    let result = try runProduct("solverbench", ["solve", shippedInstance(file), "--format", "dot"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("digraph "))
    #expect(result.stdout.hasSuffix("}\n"))
    #expect(result.stdout.contains("fillcolor=\"#9ecae1\"") || result.stdout.contains("fillcolor=\"#fdae6b\""))
  }

  /// The two newer families through the same command, in the three formats.
  @Test(arguments: [("upload/small-dag-3ue-loose.json", "p4-mjoa-mu", "sum "), ("streams/rate2-bw40.json", "p5-greedy", "deadline misses")])
  func newerFamiliesPlanInEveryFormat(file: String, solver: String, planLine: String) throws {
    let text = try runProduct("solverbench", ["solve", shippedInstance(file), "--solver", solver])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.hasPrefix("solver \(solver): ") && text.stdout.contains(planLine))
    let json = try runProduct("solverbench", ["solve", shippedInstance(file), "--solver", solver, "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["format"] as? String == "edgesplit-solution/1" && object["feasible"] as? Bool == true)
    let dot = try runProduct("solverbench", ["solve", shippedInstance(file), "--solver", solver, "--format", "dot"])
    #expect(dot.status == 0 && dot.stdout.hasPrefix("digraph ") && dot.stdout.hasSuffix("}\n"))
  }

  @Test func cbcSolvesThePlanToTheSameOptimum() throws {
    let result = try runProduct("solverbench", ["solve", shippedInstance(Self.files[0]), "--backend", "cbc"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("solver p1-ilp-pruned: optimal, objective 6.0, bound 6.0\n"))
  }

  @Test func unknownSolverIsAUsageError() throws {
    let result = try runProduct("solverbench", ["solve", shippedInstance(Self.files[0]), "--solver", "p2-dsl"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("no admission solver named 'p2-dsl'"))
  }

  @Test func runWritesEverySolution() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-solutions-\(UUID().uuidString)")
    let result = try runProduct("solverbench", [shippedInstance(Self.files[0]), "--quiet", "--solutions", folder.path])
    #expect(result.status == 0, "\(result.stderr)")
    let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("admission").path).sorted()
    #expect(written.contains("small-01--p1-ilp-pruned.json") && written.contains("small-01--p1-approx.json"))
    #expect(written.count == 9)  // every P1 solver: four exact or bound, the approximation, four heuristics
    let data = try Data(contentsOf: folder.appendingPathComponent("admission/small-01--p1-approx.json"))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["solver"] as? String == "p1-approx" && object["feasible"] as? Bool == true)
  }

  /// The heuristics and min-cut solvers link no GPL code: a program using only them does not
  /// load GLPK (solverbench, which runs the ILPs, does).
  @Test func heuristicsLinkNoGPLCode() throws {
    let example = try runProcess(URL(fileURLWithPath: "/usr/bin/ldd"), [product("heuristics-example").path])
    #expect(example.status == 0)
    #expect(example.stdout.contains("libc.so"), "ldd printed: \(example.stdout)")
    #expect(!example.stdout.contains("glpk"))
    let solverbench = try runProcess(URL(fileURLWithPath: "/usr/bin/ldd"), [product("solverbench").path])
    #expect(solverbench.stdout.contains("libglpk"))
    let ran = try runProduct("heuristics-example", [])
    #expect(ran.status == 0 && ran.stdout.contains("p2-dsl: optimal"))
  }

  /// The GPL-free product: `solverbench-cbc` links CBC and no GLPK, and runs the harness with
  /// every exact solver (P1, P2, P4) proving optima through CBC.
  @Test func cbcProductRunsTheHarnessWithoutGPLCode() throws {
    let linked = try runProcess(URL(fileURLWithPath: "/usr/bin/ldd"), [product("solverbench-cbc").path])
    #expect(linked.status == 0 && linked.stdout.contains("libCbc"), "ldd printed: \(linked.stdout)")
    #expect(!linked.stdout.contains("glpk"))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbc-only-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for path in ["admission/small-01.json", "surgery/resnet18-pi-18.88mbps-latency.json", "upload/small-chain-2ue-loose.json"] {
      try FileManager.default.copyItem(atPath: shippedInstance(path),
                                       toPath: folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent).path)
    }
    let run = try runProduct("solverbench-cbc", [folder.path, "--format", "csv", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    for solver in ["p1-ilp-pruned", "p1-ilp-full", "p2-ilp", "p4-exact"] {
      let row = run.stdout.split(separator: "\n").first { $0.contains(",\(solver),") }
      #expect(row?.contains(",optimal (cbc),") == true, "\(solver): \(row ?? "no row")")
    }
    let glpk = try runProduct("solverbench-cbc", [folder.path, "--backend", "glpk"])
    #expect(glpk.status == 2 && glpk.stderr.contains("--backend glpk is not linked into this executable (available: cbc)"), "\(glpk.stderr)")
  }
}
