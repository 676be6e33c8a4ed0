import EdgeSplitModel

/// The building blocks the architectures share, written once.
extension NetworkBuilder {
  /// Conv (no bias) + batch norm (+ ReLU): the unit of ResNet, MobileNetV2, GoogLeNet and YOLO.
  @discardableResult
  mutating func convBN(
    _ name: String, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
    relu: Bool = true, from: Tensor? = nil
  ) -> Tensor {
    conv(name, out: out, kernel: kernel, stride: stride, padding: padding, groups: groups,
         bias: false, from: from)
    batchnorm()
    if relu { self.relu() }
    return current
  }

  /// Conv with bias + ReLU: the unit of AlexNet and VGG.
  @discardableResult
  mutating func convReLU(
    _ name: String, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, from: Tensor? = nil
  ) -> Tensor {
    conv(name, out: out, kernel: kernel, stride: stride, padding: padding, from: from)
    relu()
    return current
  }

  /// The ResNet shortcut: the block input itself, or a strided 1×1 conv + BN as a separate
  /// branch when the shape changes.
  private mutating func shortcut(_ prefix: String, from x: Tensor, out: Int, stride: Int) -> Tensor {
    guard stride != 1 || x.channels != out else { return x }
    return convBN("\(prefix).downsample", out: out, kernel: 1, stride: stride, relu: false, from: x)
  }

  /// ResNet-18/34 basic block: 3×3 → 3×3, plus the shortcut, joined by an `add`.
  @discardableResult
  mutating func basicBlock(_ prefix: String, width: Int, stride: Int, from x: Tensor) -> Tensor {
    convBN("\(prefix).conv1", out: width, kernel: 3, stride: stride, padding: 1, from: x)
    let y = convBN("\(prefix).conv2", out: width, kernel: 3, padding: 1, relu: false)
    let skip = shortcut(prefix, from: x, out: width, stride: stride)
    add("\(prefix).add", from: [y, skip])
    relu()
    return current
  }

  /// ResNet-50 bottleneck (torchvision v1.5: the stride sits on the 3×3 conv):
  /// 1×1 → 3×3 → 1×1 (×4 channels), plus the shortcut, joined by an `add`.
  @discardableResult
  mutating func bottleneck(_ prefix: String, width: Int, stride: Int, from x: Tensor) -> Tensor {
    convBN("\(prefix).conv1", out: width, kernel: 1, from: x)
    convBN("\(prefix).conv2", out: width, kernel: 3, stride: stride, padding: 1)
    let y = convBN("\(prefix).conv3", out: 4 * width, kernel: 1, relu: false)
    let skip = shortcut(prefix, from: x, out: 4 * width, stride: stride)
    add("\(prefix).add", from: [y, skip])
    relu()
    return current
  }

  /// MobileNetV2 inverted residual: optional 1×1 expansion, 3×3 depthwise, linear 1×1
  /// projection, and an `add` with the input when stride is 1 and channels are kept.
  @discardableResult
  mutating func invertedResidual(
    _ prefix: String, out: Int, stride: Int, expansion: Int, from x: Tensor
  ) -> Tensor {
    let hidden = x.channels * expansion
    if expansion != 1 { convBN("\(prefix).expand", out: hidden, kernel: 1, from: x) }
    convBN("\(prefix).dw", out: hidden, kernel: 3, stride: stride, padding: 1, groups: hidden,
           from: expansion != 1 ? current : x)
    let y = convBN("\(prefix).project", out: out, kernel: 1, relu: false)
    guard stride == 1 && x.channels == out else { return y }
    return add("\(prefix).add", from: [y, x])
  }

  /// Channel counts of one Inception-v1 module, named as in the GoogLeNet paper's Table 1.
  struct InceptionWidths {
    var c1, c3reduce, c3, c5reduce, c5, poolProj: Int
  }

  /// Inception-v1 module as a true DAG: four branches reading the module input, each its own
  /// layers, joined by a `concat`. `wideKernel` is the "5×5" branch's kernel (torchvision uses 3).
  @discardableResult
  mutating func inception(
    _ prefix: String, _ c: InceptionWidths, wideKernel: Int, from x: Tensor
  ) -> Tensor {
    let b1 = convBN("\(prefix).branch1", out: c.c1, kernel: 1, from: x)
    convBN("\(prefix).branch2.0", out: c.c3reduce, kernel: 1, from: x)
    let b2 = convBN("\(prefix).branch2.1", out: c.c3, kernel: 3, padding: 1)
    convBN("\(prefix).branch3.0", out: c.c5reduce, kernel: 1, from: x)
    let b3 = convBN("\(prefix).branch3.1", out: c.c5, kernel: wideKernel, padding: wideKernel / 2)
    pool("\(prefix).branch4.0", .max, kernel: 3, stride: 1, padding: 1, ceilMode: true, from: x)
    let b4 = convBN("\(prefix).branch4.1", out: c.poolProj, kernel: 1)
    return concat(prefix, from: [b1, b2, b3, b4])
  }

  /// BranchyNet-style side exit: a small 3×3 conv, a 3×3/2 max pool and a classifier exit.
  @discardableResult
  mutating func sideExit(
    _ name: String, channels: Int, classes: Int, accuracy: Double, from x: Tensor
  ) -> Tensor {
    convReLU("\(name).conv", out: channels, kernel: 3, padding: 1, from: x)
    pool("\(name).pool", .max, kernel: 3, stride: 2)
    return exit(name, classes: classes, accuracy: accuracy)
  }

  /// The built model; a failure here is a bug in a zoo definition, which the tests rule out.
  package func finish() -> DNNModel {
    do { return try build() } catch { preconditionFailure("ModelZoo definition of \(name) is wrong: \(error)") }
  }
}
