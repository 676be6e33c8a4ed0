import EdgeSplitModel
import Foundation
import ModelImport
import ModelZoo
import Optimization
import Testing

/// The committed fixtures made by `Fixtures/make_onnx.py`.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name))) }

func importONNX(_ name: String, precision: Precision = .fp32) throws -> DNNModel {
  try ONNXImport.model(from: fixture(name), file: name, name: String(name.dropLast(".onnx".count)), precision: precision)
}

/// Layer by layer (so a failure names the layer), then the whole model.
func expectSame(_ imported: DNNModel, _ built: DNNModel) {
  #expect(imported.layers.map(\.name) == built.layers.map(\.name))
  for (a, b) in zip(imported.layers, built.layers) {
    #expect(a.flops == b.flops, "\(a.name) FLOPs")
    #expect(a.paramBytes == b.paramBytes, "\(a.name) parameter bytes")
    #expect(a.outputBytes == b.outputBytes, "\(a.name) output bytes")
    #expect(a.outputShape == b.outputShape, "\(a.name) shape")
    #expect(a.window == b.window, "\(a.name) window")
    #expect(a.inputs == b.inputs, "\(a.name) inputs")
    #expect(a.type == b.type, "\(a.name) type")
  }
  #expect(imported.inputBytes == built.inputBytes)
  #expect(imported == built)
}

@Suite("ONNX import")
struct ONNXImportTests {
  /// Conv+Relu, max pool, conv+BN+LeakyRelu, dilated conv+Clip, ceil-mode average pool,
  /// Flatten, Gemm+Dropout, MatMul (no bias), Softmax.
  @Test func tinyChainMatchesTheBuilder() throws {
    var b = NetworkBuilder("tiny-cnn")
    b.input(channels: 3, height: 16, width: 16)
    b.conv("conv1", out: 16, kernel: 3, padding: 1)
    b.pool("pool1", .max, kernel: 2, stride: 2)
    b.conv("conv2", out: 16, kernel: 3, padding: 1, bias: false)
    b.batchnorm()
    b.conv("conv3", out: 16, kernel: 3, padding: 2, dilation: 2)
    b.pool("pool2", .avg, kernel: 3, stride: 2, ceilMode: true)
    b.flatten()
    b.fc("fc1", out: 32)
    b.fc("fc2", out: 10, bias: false)
    let imported = try importONNX("tiny-cnn.onnx")
    expectSame(imported, try b.build())
    // The numbers themselves, from the definitions (FLOPs = 2 × MACs, fp32, BN = 2 params/channel).
    let conv3 = imported.layers[3]
    #expect(conv3.outputShape == [16, 8, 8] && conv3.window == WindowGeometry(kernel: 5, stride: 1, padding: 2))
    #expect(conv3.flops == 2 * Double(16 * 8 * 8 * 16 * 9))
    #expect(imported.layers[2].paramBytes == 4 * Double(16 * 16 * 9 + 2 * 16))
    #expect(imported.layers[4].outputShape == [16, 4, 4], "ceil mode")
    #expect(imported.layers[6].paramBytes == 4 * 32 * 10, "MatMul has no bias")
    #expect(imported.isChain && imported.inputBytes == 4 * 3 * 16 * 16)
  }

  /// A strided basic block (downsample branch joined by Add), depthwise conv, Concat, global
  /// average pool and a constant Reshape.
  @Test func residualDAGMatchesTheBuilder() throws {
    var b = NetworkBuilder("resnet-block")
    b.input(channels: 3, height: 32, width: 32)
    b.conv("conv1", out: 16, kernel: 3, padding: 1, bias: false)
    b.batchnorm()
    let stem = b.pool("maxpool", .max, kernel: 3, stride: 2, padding: 1)
    b.conv("layer1.conv1", out: 32, kernel: 3, stride: 2, padding: 1, bias: false, from: stem)
    b.batchnorm()
    let y = b.conv("layer1.conv2", out: 32, kernel: 3, padding: 1, bias: false)
    b.batchnorm()
    let skip = b.conv("layer1.downsample", out: 32, kernel: 1, stride: 2, bias: false, from: stem)
    b.batchnorm()
    let x = b.add("layer1.add", from: [y, skip])
    let dw = b.conv("branch.dw", out: 32, kernel: 3, padding: 1, groups: 32, bias: false, from: x)
    b.pool("branch.pool", .max, kernel: 3, stride: 1, padding: 1, from: x)
    let proj = b.conv("branch.proj", out: 16, kernel: 1)
    b.concat("concat", from: [dw, proj])
    b.globalAvgPool("avgpool")
    b.flatten()
    b.fc("fc", out: 10)
    let imported = try importONNX("resnet-block.onnx")
    expectSame(imported, try b.build())
    #expect(!imported.isChain)
    #expect(imported.layers.first { $0.name == "branch.dw" }?.type == .depthwiseConv)
    #expect(imported.layers.first { $0.name == "layer1.add" }?.inputs == ["layer1.conv2", "layer1.downsample"])
  }

  /// torchvision AlexNet's structure with fewer channels: the builder's numbers, and the zoo
  /// AlexNet's spatial geometry layer for layer.
  @Test func alexnetShapeMatchesTheZoo() throws {
    var b = NetworkBuilder("alexnet-small")
    b.input(channels: 3, height: 224, width: 224)
    b.conv("conv1", out: 8, kernel: 11, stride: 4, padding: 2)
    b.pool("pool1", .max, kernel: 3, stride: 2)
    b.conv("conv2", out: 24, kernel: 5, padding: 2)
    b.pool("pool2", .max, kernel: 3, stride: 2)
    b.conv("conv3", out: 48, kernel: 3, padding: 1)
    b.conv("conv4", out: 32, kernel: 3, padding: 1)
    b.conv("conv5", out: 32, kernel: 3, padding: 1)
    b.pool("pool5", .max, kernel: 3, stride: 2)
    b.flatten()
    b.fc("fc6", out: 32)
    b.fc("fc7", out: 32)
    b.fc("fc8", out: 10)
    let imported = try importONNX("alexnet-small.onnx")
    expectSame(imported, try b.build())
    let zoo = ModelZoo.alexnet()
    #expect(imported.layers.map(\.name) == zoo.layers.map(\.name))
    #expect(imported.inputBytes == zoo.inputBytes)
    for (a, z) in zip(imported.layers, zoo.layers) {
      #expect(a.type == z.type && a.window == z.window && a.inputs == z.inputs, "\(a.name)")
      if let shape = a.outputShape, shape.count == 3 { #expect(shape.dropFirst() == z.outputShape?.dropFirst(), "\(a.name)") }
    }
  }

  @Test func int8QuartersEveryByte() throws {
    let fp32 = try importONNX("resnet-block.onnx")
    let int8 = try importONNX("resnet-block.onnx", precision: .int8)
    #expect(int8.inputBytes == fp32.inputBytes / 4)
    for (a, b) in zip(int8.layers, fp32.layers) {
      #expect(a.outputBytes == b.outputBytes / 4 && a.paramBytes == b.paramBytes / 4 && a.flops == b.flops)
    }
  }

  @Test func roundTripThroughJSON() throws {
    for name in ["tiny-cnn.onnx", "resnet-block.onnx", "alexnet-small.onnx"] {
      let model = try importONNX(name)
      let decoded = try JSONDecoder().decode(DNNModel.self, from: InstanceIO.encoder.encode(model))
      #expect(decoded == model, "\(name)")
    }
  }

  @Test func unsupportedOperatorNamesNodeAndOp() {
    #expect(throws: InstanceLoadError(file: "unsupported.onnx", path: "node 'lstm1' (op LSTM)", message: "unsupported operator")) {
      try importONNX("unsupported.onnx")
    }
    #expect((try? importONNX("unsupported.onnx")) == nil)
  }

  /// Sizes whose FLOP or byte counts would overflow are errors, not traps.
  @Test func hugeSizesAreErrors() {
    #expect(throws: InstanceLoadError(file: "huge-input.onnx", path: "graph input 'input'",
                                message: "has more than \(Check.maxTensorElements) elements")) {
      try importONNX("huge-input.onnx")
    }
    #expect(throws: InstanceLoadError(file: "huge-gemm.onnx", path: "node 'fc' (op MatMul)",
                                message: "more than 2^53 multiply-accumulates: 1073741824 → 1099511627776")) {
      try importONNX("huge-gemm.onnx")
    }
  }

  @Test func truncatedFileNamesTheByte() throws {
    let error = try #require(throws: InstanceLoadError.self) { try importONNX("truncated.onnx") }
    #expect(error.description.hasPrefix("truncated.onnx: byte "))
    #expect(error.message.contains("runs past the end"))
  }

  /// Hand-made byte sequences, each with its message.
  @Test(arguments: [
    ([], "no graph (ModelProto field 7) in the file"),
    ([0x3A], "truncated varint in ModelProto"),
    ([0x3A, 0x05, 0x0A], "length 5 runs past the end of the message (1 bytes left) in ModelProto"),
    ([0x08] + [UInt8](repeating: 0xFF, count: 11), "byte 1: varint longer than 10 bytes or above 2^64 - 1 in ModelProto"),
    ([0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x02], "byte 1: varint longer than 10 bytes or above 2^64 - 1 in ModelProto"),
    ([0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01], "byte 11: no graph (ModelProto field 7) in the file"),
    ([0x0B], "groups (wire type 3) are not used by ONNX in ModelProto"),
    ([0x0E], "invalid wire type 6 in ModelProto"),
    ([0x02, 0x00], "invalid field number 0 in ModelProto"),
    ([0x38, 0x01], "field graph has wire type 0, expected 2 in ModelProto"),
    ([0x3A, 0x03, 0x0A, 0x01, 0x0A], "truncated varint in NodeProto"),
    ([0x3A, 0x00], "graph input: the model needs exactly one input tensor, found 0 ()"),
  ] as [([UInt8], String)])
  func malformedBytesGiveAClearError(bytes: [UInt8], message: String) throws {
    let error = try #require(throws: InstanceLoadError.self) {
      try ONNXImport.model(from: bytes, file: "bad.onnx", name: "bad")
    }
    #expect(error.description.hasSuffix(message), "\(error)")
  }

  /// Every truncation and many single-byte changes of a valid file give a model or an
  /// InstanceLoadError: the reader never traps.
  @Test func corruptedFilesNeverCrash() throws {
    let bytes = try fixture("resnet-block.onnx")
    var generator = SeededGenerator(seed: 15)
    var errors = 0
    for _ in 0..<400 {
      var corrupted = bytes
      if generator.next(below: 2) == 0 {
        corrupted.removeLast(1 + Int(generator.next(below: UInt64(bytes.count - 1))))
      } else {
        // Most of the file is raw weights; the first 4 KiB hold the node headers.
        corrupted[Int(generator.next(below: UInt64(min(bytes.count, 4096))))] = UInt8(generator.next(below: 256))
      }
      do { _ = try ONNXImport.model(from: corrupted, file: "x.onnx", name: "x") } catch { errors += 1 }
    }
    #expect(errors > 0)
  }
}
