import EdgeSplitModel
import ModelZoo
import Testing

@Suite("Precision and input encoding")
struct PrecisionTests {
  /// int8 quarters and fp16 halves every tensor, parameter and input size; FLOPs and structure stay.
  @Test(arguments: ModelZoo.names)
  func precisionScalesEveryByte(name: String) throws {
    let fp32 = try zoo(name)
    for precision in [Precision.fp16, .int8] {
      let scale = Double(precision.bytesPerElement) / 4
      let model = try #require(try ModelZoo.model(named: name, precision: precision))
      #expect(model.inputBytes == fp32.inputBytes * scale)
      #expect(model.layers.count == fp32.layers.count)
      for (a, b) in zip(model.layers, fp32.layers) {
        #expect(a.outputBytes == b.outputBytes * scale && a.paramBytes == b.paramBytes * scale, "\(a.name)")
        #expect(a.flops == b.flops && a.outputShape == b.outputShape && a.inputs == b.inputs, "\(a.name)")
      }
    }
  }

  @Test(arguments: ModelZoo.names)
  func defaultIsUnchangedFP32(name: String) throws {
    #expect(try ModelZoo.model(named: name, precision: .fp32) == ModelZoo.model(named: name))
    #expect(Precision.allCases.map(\.bytesPerElement) == [4, 2, 1])
  }

  /// An encoded input (a 50 kB JPEG instead of the 602,112-byte fp32 tensor) changes only `inputBytes`.
  @Test func encodedInputReplacesTheTensorSize() throws {
    let raw = try zoo("resnet18")
    let jpeg = try #require(try ModelZoo.model(named: "resnet18", precision: .fp32, inputBytes: 50_000))
    #expect(jpeg.inputBytes == 50_000)
    #expect(jpeg.layers == raw.layers && jpeg.inputShape == raw.inputShape)
    #expect(throws: FieldError("inputBytes", "must be > 0, got 0.0")) {
      try ModelZoo.model(named: "resnet18", precision: .int8, inputBytes: 0)
    }
    #expect(try ModelZoo.model(named: "lenet", precision: .int8) == nil)
  }
}
