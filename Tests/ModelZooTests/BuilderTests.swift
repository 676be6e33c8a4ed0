import Testing
import EdgeSplitModel
import ModelZoo

@Suite("NetworkBuilder")
struct BuilderTests {
  @Test func outputSizeFloorCeilAndTrailingPadding() {
    #expect(NetworkBuilder.outputSize(224, kernel: 11, stride: 4, padding: 2) == 55)
    #expect(NetworkBuilder.outputSize(112, kernel: 3, stride: 2, padding: 0) == 55)
    #expect(NetworkBuilder.outputSize(112, kernel: 3, stride: 2, padding: 0, ceilMode: true) == 56)
    // PyTorch drops a ceil-mode window starting in the right padding: 5, k2, s2, p1 → 3 not 4.
    #expect(NetworkBuilder.outputSize(5, kernel: 2, stride: 2, padding: 1, ceilMode: true) == 3)
    #expect(NetworkBuilder.outputSize(13, kernel: 2, stride: 1, padding: 0, trailingPadding: 1) == 13)
    #expect(NetworkBuilder.outputSize(2, kernel: 3, stride: 1, padding: 0) == 0)
  }

  @Test func foldsBatchnormAndFlattensWithoutLayers() throws {
    var b = NetworkBuilder("tiny")
    b.input(channels: 3, height: 8, width: 8)
    b.conv("c", out: 4, kernel: 3, padding: 1, bias: false)
    b.batchnorm(); b.relu(); b.lrn()
    let v = b.flatten()
    #expect(v.layer == "c" && v.shape == [256])
    b.fc("f", out: 10)
    let model = try b.build()
    #expect(model.layers.map(\.name) == ["c", "f"])
    #expect(model.layers[0].paramBytes == 4 * Double(4 * 3 * 9 + 2 * 4))
    #expect(model.layers[0].flops == 2 * Double(4 * 8 * 8 * 3 * 9))
    #expect(model.layers[1].flops == 2 * Double(256 * 10))
    #expect(model.inputBytes == 4 * 3 * 8 * 8)
  }

  @Test func groupedAndDepthwiseKinds() throws {
    var b = NetworkBuilder("groups")
    b.input(channels: 8, height: 4, width: 4)
    b.conv("g", out: 8, kernel: 3, padding: 1, groups: 2)
    b.conv("dw", out: 8, kernel: 3, padding: 1, groups: 8)
    let model = try b.build()
    #expect(model.layers.map(\.type) == [.conv, .depthwiseConv])
    #expect(model.layers[0].flops == 2 * Double(8 * 16 * 4 * 9))
    #expect(model.layers[1].flops == 2 * Double(8 * 16 * 1 * 9))
  }

  /// Mistakes in a definition surface from `build()` as a FieldError naming the layer.
  @Test func definitionMistakesThrowFromBuild() {
    func failure(_ define: (inout NetworkBuilder) -> Void) -> FieldError? {
      var b = NetworkBuilder("bad")
      define(&b)
      do { _ = try b.build(); return nil } catch { return error }
    }
    #expect(failure { $0.conv("c", out: 4, kernel: 3) }?.path == "c", "no input")
    #expect(failure { b in
      b.input(channels: 3, height: 8, width: 8)
      let x = b.conv("a", out: 4, kernel: 3)
      let y = b.conv("b", out: 4, kernel: 1, from: x)
      b.add("sum", from: [x, b.conv("c", out: 4, kernel: 3, from: y)])
    }?.path == "sum", "shape mismatch")
    #expect(failure { b in
      b.input(channels: 3, height: 8, width: 8)
      b.conv("a", out: 4, kernel: 3); b.conv("a", out: 4, kernel: 3)
    }?.path == "a", "duplicate name")
    #expect(failure { b in b.input(channels: 3, height: 8, width: 8); b.batchnorm() }?.path == "batchnorm")
    #expect(failure { b in
      let x = b.input(channels: 3, height: 8, width: 8)
      b.concat("cat", from: [x, b.conv("a", out: 4, kernel: 1)])
    }?.path == "cat", "input and layers mixed")
    #expect(failure { b in b.input(channels: 3, height: 4, width: 4); b.conv("big", out: 4, kernel: 7) }?.path == "big")
  }
}
