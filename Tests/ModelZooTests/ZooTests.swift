import Foundation
import Testing
import EdgeSplitModel
import ModelZoo

/// A published total to check a zoo model against.
struct PublishedFigure: Sendable, CustomTestStringConvertible {
  var name: String
  /// Parameter count as published (exact where the source gives an integer).
  var params: Double
  /// GMACs as published (torchvision's "GFLOPS" column counts multiply-accumulates).
  var gmacs: Double
  var source: String
  var testDescription: String { name }
}

/// torchvision figures: the `num_params` and `_ops` (GFLOPS, i.e. GMACs) of each
/// `*_Weights.IMAGENET1K_V1` entry. Tiny YOLOv2: darknet prints 6.97 BFLOPs (= 2 × MACs) for
/// `yolov2-tiny-voc.cfg` at 416×416; its ≈15.86 M params follow from the same cfg.
let published: [PublishedFigure] = [
  .init(name: "alexnet", params: 61_100_840, gmacs: 0.71, source: "torchvision"),
  .init(name: "vgg16", params: 138_357_544, gmacs: 15.47, source: "torchvision"),
  .init(name: "resnet18", params: 11_689_512, gmacs: 1.81, source: "torchvision"),
  .init(name: "resnet50", params: 25_557_032, gmacs: 4.09, source: "torchvision"),
  .init(name: "mobilenetv2", params: 3_504_872, gmacs: 0.30, source: "torchvision"),
  .init(name: "googlenet", params: 6_624_904, gmacs: 1.50, source: "torchvision"),
  .init(name: "tinyyolov2", params: 15.86e6, gmacs: 6.97 / 2, source: "darknet"),
]

func zoo(_ name: String) throws -> DNNModel { try #require(ModelZoo.model(named: name)) }
func layer(_ model: DNNModel, _ name: String) throws -> Layer {
  try #require(model.layers.first { $0.name == name }, "no layer \(name) in \(model.name)")
}
func macs(_ layer: Layer) -> Double { layer.flops / 2 }

@Suite("Model zoo")
struct ZooTests {
  @Test func registryNamesAreUniqueAndResolve() throws {
    #expect(Set(ModelZoo.names).count == ModelZoo.names.count)
    #expect(ModelZoo.names.count == 8)
    #expect(ModelZoo.model(named: "lenet") == nil)
    #expect(ModelZoo.all().map(\.name) == ModelZoo.names)
  }

  /// Every model is a valid, self-consistent DNNModel that survives a JSON round trip.
  @Test(arguments: ModelZoo.names)
  func modelIsValidAndConsistent(name: String) throws {
    let model = try zoo(name)
    #expect(model.name == name)
    #expect(model.topologicalOrder == Array(model.layers.indices), "file order is topological")
    #expect(model.inputBytes == 4 * Double(try #require(model.inputShape).reduce(1, *)))
    for layer in model.layers {
      let shape = try #require(layer.outputShape, "\(layer.name) has a shape")
      #expect(layer.outputBytes == 4 * Double(shape.reduce(1, *)), "\(layer.name) fp32 bytes")
      #expect(layer.type.isSpatial == (layer.window != nil), "\(layer.name) window iff conv/pool")
      #expect((layer.type == .exit) == (layer.accuracy != nil))
      if [.pool, .add, .concat].contains(layer.type) { #expect(layer.flops == 0 && layer.paramBytes == 0) }
    }
    let decoded = try JSONDecoder().decode(DNNModel.self, from: JSONEncoder().encode(model))
    #expect(decoded == model)
  }

  /// Params within 1 % and MACs within 3 % of the published totals; the torchvision variants
  /// are defined exactly, so their parameter counts must match to the unit.
  @Test(arguments: published)
  func totalsMatchPublishedFigures(figure: PublishedFigure) throws {
    let model = try zoo(figure.name)
    let params = model.totalParamBytes / 4
    let gmacs = model.totalFlops / 2e9
    #expect(abs(params - figure.params) <= 0.01 * figure.params, "params \(params)")
    #expect(abs(gmacs - figure.gmacs) <= 0.03 * figure.gmacs, "GMACs \(gmacs)")
    if figure.source == "torchvision" { #expect(params == figure.params) }
  }

  @Test func layerCountsAndChainShape() throws {
    let expected: [String: (layers: Int, chain: Bool)] = [
      "alexnet": (11, true), "vgg16": (21, true), "tinyyolov2": (15, true),
      "resnet18": (31, false), "resnet50": (72, false), "mobilenetv2": (64, false),
      "googlenet": (81, false), "branchy-alexnet": (17, false),
    ]
    for name in ModelZoo.names {
      let model = try zoo(name)
      let want = try #require(expected[name])
      #expect(model.layers.count == want.layers, "\(name)")
      #expect(model.isChain == want.chain, "\(name)")
    }
  }

  // MARK: - Hand-computed layers

  @Test func alexnetConv1AndClassifier() throws {
    let model = try zoo("alexnet")
    let conv1 = try layer(model, "conv1")
    let side = (224 + 2 * 2 - 11) / 4 + 1  // torchvision padding 2: floor(217/4) + 1
    #expect(side == 55)
    #expect(conv1.outputShape == [64, 55, 55])
    #expect(conv1.window == WindowGeometry(kernel: 11, stride: 4, padding: 2))
    #expect(macs(conv1) == Double(64 * 55 * 55 * 3 * 11 * 11))  // 70,276,800
    #expect(conv1.paramBytes == 4 * Double(64 * 3 * 11 * 11 + 64))
    #expect(try layer(model, "pool1").outputShape == [64, (55 - 3) / 2 + 1, 27])
    #expect(try layer(model, "pool5").outputShape == [256, 6, 6])
    let fc6 = try layer(model, "fc6")
    #expect(fc6.inputs == ["pool5"], "flatten adds no layer")
    #expect(macs(fc6) == Double(256 * 6 * 6 * 4096))
  }

  @Test func vgg16FirstConvsAndFc6() throws {
    let model = try zoo("vgg16")
    let conv11 = try layer(model, "conv1_1")
    #expect(conv11.outputShape == [64, 224, 224])  // (224 + 2 − 3)/1 + 1
    #expect(macs(conv11) == Double(64 * 224 * 224 * 3 * 9))  // 86.7 M
    #expect(macs(try layer(model, "conv1_2")) == Double(64 * 224 * 224 * 64 * 9))  // 1.85 G
    #expect(try layer(model, "pool5").outputShape == [512, 7, 7])
    #expect(try layer(model, "fc6").paramBytes == 4 * Double(512 * 7 * 7 * 4096 + 4096))
  }

  @Test func googlenetCeilPoolsAndInceptionDAG() throws {
    let model = try zoo("googlenet")
    // ceil((112 − 3)/2) + 1 = 56, where floor would give 55.
    #expect(try layer(model, "maxpool1").outputShape == [64, 56, 56])
    #expect(try layer(model, "maxpool2").outputShape == [192, 28, 28])
    let i3a = try layer(model, "inception3a")
    #expect(i3a.type == .concat)
    #expect(i3a.outputShape == [64 + 128 + 32 + 32, 28, 28])
    #expect(i3a.inputs == ["inception3a.branch1", "inception3a.branch2.1", "inception3a.branch3.1",
                           "inception3a.branch4.1"])
    for branch in ["branch1", "branch2.0", "branch3.0", "branch4.0"] {
      #expect(try layer(model, "inception3a.\(branch)").inputs == ["maxpool2"])
    }
    // inception3a's 3×3 branch: 128 × 28 × 28 × 96 × 3 × 3 MACs, BN adds 2 × 128 params.
    let b2 = try layer(model, "inception3a.branch2.1")
    #expect(macs(b2) == Double(128 * 28 * 28 * 96 * 9))
    #expect(b2.paramBytes == 4 * Double(128 * 96 * 9 + 2 * 128))
    #expect(try layer(model, "maxpool4").outputShape == [832, 7, 7])  // ceil((14 − 2)/2) + 1
    #expect(try layer(model, "inception5b").outputShape == [1024, 7, 7])
  }

  @Test func resnetResidualEdges() throws {
    let r18 = try zoo("resnet18")
    let conv1 = try layer(r18, "conv1")
    #expect(conv1.outputShape == [64, 112, 112])  // (224 + 6 − 7)/2 + 1
    #expect(conv1.paramBytes == 4 * Double(64 * 3 * 7 * 7 + 2 * 64), "no bias, BN γ and β")
    #expect(try layer(r18, "maxpool").outputShape == [64, 56, 56])  // (112 + 2 − 3)/2 + 1
    #expect(try layer(r18, "layer1.0.add").inputs == ["layer1.0.conv2", "maxpool"])
    #expect(try layer(r18, "layer2.0.add").inputs == ["layer2.0.conv2", "layer2.0.downsample"])
    let down = try layer(r18, "layer2.0.downsample")
    #expect(down.inputs == ["layer1.1.add"])
    #expect(down.outputShape == [128, 28, 28])
    #expect(macs(down) == Double(128 * 28 * 28 * 64))

    let r50 = try zoo("resnet50")
    #expect(try layer(r50, "layer1.0.add").inputs == ["layer1.0.conv3", "layer1.0.downsample"])
    #expect(try layer(r50, "layer1.1.add").inputs == ["layer1.1.conv3", "layer1.0.add"])
    #expect(try layer(r50, "layer1.2.add").outputShape == [256, 56, 56])
    #expect(try layer(r50, "layer2.0.conv2").window?.stride == 2, "v1.5: stride on the 3×3")
    #expect(try layer(r50, "layer4.2.add").outputShape == [2048, 7, 7])
    #expect(try layer(r50, "fc").inputs == ["avgpool"])
  }

  @Test func mobilenetv2DepthwiseAndResiduals() throws {
    let model = try zoo("mobilenetv2")
    // features.2: 16 → expand 96 at 112×112 → depthwise 3×3/2 → 56×56 → project 24.
    let dw = try layer(model, "features.2.dw")
    #expect(dw.type == .depthwiseConv)
    #expect(dw.outputShape == [96, 56, 56])
    #expect(macs(dw) == Double(96 * 56 * 56 * 1 * 9))
    #expect(dw.paramBytes == 4 * Double(96 * 9 + 2 * 96))
    #expect(try layer(model, "features.3.add").inputs == ["features.3.project", "features.2.project"])
    #expect(model.layers.filter { $0.type == .add }.count == 10)
    #expect(try layer(model, "features.18").outputShape == [1280, 7, 7])
  }

  @Test func tinyyolov2DarknetPools() throws {
    let model = try zoo("tinyyolov2")
    #expect(model.inputBytes == 4 * 3 * 416 * 416)
    #expect(try layer(model, "pool5").outputShape == [256, 13, 13])  // (26 + 1 − 2)/2 + 1
    #expect(try layer(model, "pool6").outputShape == [512, 13, 13])  // (13 + 1 − 2)/1 + 1
    let conv9 = try layer(model, "conv9")
    #expect(conv9.outputShape == [125, 13, 13])
    #expect(macs(conv9) == Double(125 * 13 * 13 * 1024))
    #expect(conv9.paramBytes == 4 * Double(1024 * 125 + 125))
    #expect(model.layers.filter { $0.type == .conv }.count == 9)
    #expect(model.layers.filter { $0.type == .pool }.count == 6)
  }

  @Test func branchyAlexnetExits() throws {
    let model = try zoo("branchy-alexnet")
    let plain = try zoo("alexnet")
    let exits = model.topologicalOrder.map { model.layers[$0] }.filter { $0.type == .exit }
    #expect(exits.map(\.name) == ["exit1", "exit2", "fc8"])
    let accuracies = exits.compactMap(\.accuracy)
    #expect(accuracies.count == 3 && zip(accuracies, accuracies.dropFirst()).allSatisfy { $0 < $1 })
    for exit in exits {
      let i = try #require(model.layers.firstIndex(of: exit))
      #expect(model.successors[i].isEmpty, "\(exit.name) ends a path")
    }
    #expect(try layer(model, "exit1.conv").inputs == ["pool1"])
    #expect(try layer(model, "conv2").inputs == ["pool1"])
    // Side branch 1: 3×3 conv 64 → 32 at 27×27, pool to 13×13, 1000-way classifier.
    let branch1 = Double(32 * 27 * 27 * 64 * 9) + Double(32 * 13 * 13 * 1000)
    let branch2 = Double(64 * 13 * 13 * 192 * 9) + Double(64 * 6 * 6 * 1000)
    #expect(model.totalFlops == plain.totalFlops + 2 * (branch1 + branch2))
    // The backbone is AlexNet's, layer for layer, except that fc8 is an exit.
    for backbone in plain.layers {
      var twin = try layer(model, backbone.name)
      twin.type = backbone.type
      twin.accuracy = nil
      #expect(twin == backbone)
    }
  }
}
