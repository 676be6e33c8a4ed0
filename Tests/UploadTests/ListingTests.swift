import EdgeSplitModel
import ModelZoo
import Testing
@testable import Upload

/// `model` with its layers listed in a random topological order (names and edges unchanged).
func relisted(_ model: DNNModel, _ random: inout SeededGenerator) throws -> DNNModel {
  var waiting = model.predecessors.map(\.count)
  var ready = model.layers.indices.filter { waiting[$0] == 0 }
  var listing: [Int] = []
  while !ready.isEmpty {
    let v = ready.remove(at: random.integer(in: ready.indices))
    listing.append(v)
    for w in model.successors[v] {
      waiting[w] -= 1
      if waiting[w] == 0 { ready.append(w) }
    }
  }
  return try DNNModel(name: model.name, inputBytes: model.inputBytes, layers: listing.map { model.layers[$0] })
}

/// The decision of `model`'s layers carried over, by name, to the same layers in `other`.
func carried(_ onDevice: [Bool], from model: DNNModel, to other: DNNModel) -> [Bool] {
  let side = Dictionary(uniqueKeysWithValues: zip(model.layers.map(\.name), onDevice))
  return other.layers.map { side[$0.name]! }
}

/// Issue 22, item 4: timings follow the graph, not the file. Every listing of the same model in a
/// topological order gives the same replayed times in both modes, and the same serial-uploading
/// baseline (and MJOA-MU) objective.
@Suite struct ListingIndependenceTests {
  /// A two-branch DAG whose serial time used to depend on which branch the file listed first.
  static func twoBranch(serverBranchFirst: Bool) throws -> DNNModel {
    let stem = Layer(name: "stem", type: .conv, flops: 0.2e9, outputBytes: 100_000, paramBytes: 10_000, inputs: [])
    let device = [
      Layer(name: "d1", type: .conv, flops: 1e9, outputBytes: 50_000, paramBytes: 2_000_000, inputs: ["stem"]),
      Layer(name: "d2", type: .conv, flops: 1e9, outputBytes: 50_000, paramBytes: 2_000_000, inputs: ["d1"]),
    ]
    let server = [
      Layer(name: "s1", type: .conv, flops: 1e9, outputBytes: 50_000, paramBytes: 1_000_000, inputs: ["stem"]),
      Layer(name: "s2", type: .conv, flops: 1e9, outputBytes: 50_000, paramBytes: 1_000_000, inputs: ["s1"]),
    ]
    let join = Layer(name: "join", type: .concat, flops: 0, outputBytes: 4_000, paramBytes: 0, inputs: ["d2", "s2"])
    return try DNNModel(name: "two-branch", inputBytes: 100_000,
                        layers: [stem] + (serverBranchFirst ? server + device : device + server) + [join])
  }

  @Test func theTwoBranchesGiveOneSerialTimeWhicheverIsListedFirst() throws {
    let a = try Self.twoBranch(serverBranchFirst: false), b = try Self.twoBranch(serverBranchFirst: true)
    let ueA = UploadUE(name: "u", model: a, deviceGflops: 1, maxUplinkMbps: 100)
    let ueB = UploadUE(name: "u", model: b, deviceGflops: 1, maxUplinkMbps: 100)
    // Stem and the d branch on the device, the s branch and the join on the server.
    let onDevice = a.layers.map { $0.name == "stem" || $0.name.hasPrefix("d") }
    for mode in UploadMode.allCases {
      let timeA = UploadEvaluator.timeline(of: ueA, UploadDecision(onDevice: onDevice, computeGflops: 1, bandwidthMbps: 8), mode: mode)
      let timeB = UploadEvaluator.timeline(
        of: ueB, UploadDecision(onDevice: carried(onDevice, from: a, to: b), computeGflops: 1, bandwidthMbps: 8), mode: mode)
      #expect(timeA.completion == timeB.completion, "\(mode): \(timeA.completion) vs \(timeB.completion)")
    }
  }

  @Test func everyTopologicalListingTimesTheSame() throws {
    var random = SeededGenerator(seed: 4)
    var compared = 0
    for seed in 0..<25 {
      let model = seed == 0 ? UploadGenerator.smallDAG() : SyntheticNetworks.randomDAG(layers: 9, maxFanIn: 3, seed: UInt64(seed))
      let sets = try #require(model.deviceSets(limit: 300))
      let ue = UploadUE(name: "u", model: model, deviceGflops: random.uniform(in: 2...100), maxUplinkMbps: 1000)
      for _ in 0..<4 {
        let other = try relisted(model, &random)
        let otherUE = UploadUE(name: "u", model: other, deviceGflops: ue.deviceGflops, maxUplinkMbps: 1000)
        for onDevice in sets.prefix(40) {
          let f = random.uniform(in: 1...300), b = random.uniform(in: 1...1000)
          for mode in UploadMode.allCases {
            let mine = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: mode)
            let theirs = UploadEvaluator.timeline(
              of: otherUE, UploadDecision(onDevice: carried(onDevice, from: model, to: other), computeGflops: f, bandwidthMbps: b),
              mode: mode)
            #expect(mine.completion == theirs.completion)
            compared += 1
          }
        }
      }
    }
    #expect(compared > 1_000)
  }

  /// The serial baseline (`p4-serial-upload`) and MJOA-MU reach the same objective on every
  /// listing of the instance's models.
  @Test func solversGiveTheSameObjectiveOnEveryListing() throws {
    var random = SeededGenerator(seed: 44)
    for seed in 0..<8 {
      let models = [UploadGenerator.smallDAG()] + (0..<2).map { SyntheticNetworks.randomDAG(layers: 10, maxFanIn: 2, seed: UInt64(100 + 3 * seed + $0)) }
      let instance = try UploadGenerator.generate(name: "listing", models: models, ues: 4, serverGflops: 300, bandwidthMbps: 400,
                                                  caps: UploadGenerator.fastUplinkMbps, seed: UInt64(seed))
      var relistedUEs: [UploadUE] = []
      for ue in instance.ues {
        relistedUEs.append(UploadUE(name: ue.name, model: try relisted(ue.model, &random), deviceGflops: ue.deviceGflops,
                                    maxUplinkMbps: ue.maxUplinkMbps))
      }
      let other = try UploadInstance(name: "listing", ues: relistedUEs, serverGflops: 300, bandwidthMbps: 400)
      for mode in UploadMode.allCases {
        let mine = try #require(MJOAMU.solve(instance, mode: mode).objective)
        let theirs = try #require(MJOAMU.solve(other, mode: mode).objective)
        #expect(mine == theirs, "seed \(seed) \(mode): \(mine) vs \(theirs)")
      }
    }
  }
}
