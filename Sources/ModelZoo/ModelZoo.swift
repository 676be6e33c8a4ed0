import EdgeSplitModel

/// Real DNN architectures as `DNNModel`s, with every number computed by ``NetworkBuilder``
/// from the architecture definition (see its conventions: FLOPs = 2 × MACs, fp32 bytes unless a `precision` is given,
/// ReLU/BN/LRN folded, BN = 2 parameters per channel, pool/add/concat = 0 FLOPs).
///
/// ImageNet models take a 3×224×224 input and follow the torchvision definitions, so their
/// parameter counts equal torchvision's exactly and their MACs match its published GFLOPS
/// column (which counts MACs). Adaptive average pools that are the identity at 224×224
/// (AlexNet's and VGG's 6×6/7×7) and dropout are omitted.
/// `parallelFraction` is left `nil` (the model default) for every model.
///
/// | model | layers | GMACs | M params | input bytes |
/// |---|---:|---:|---:|---:|
/// | alexnet | 11 | 0.714 | 61.10 | 602,112 |
/// | vgg16 | 21 | 15.470 | 138.36 | 602,112 |
/// | resnet18 | 31 | 1.814 | 11.69 | 602,112 |
/// | resnet50 | 72 | 4.089 | 25.56 | 602,112 |
/// | mobilenetv2 | 64 | 0.301 | 3.50 | 602,112 |
/// | googlenet | 81 | 1.498 | 6.62 | 602,112 |
/// | tinyyolov2 | 15 | 3.486 | 15.86 | 2,076,672 |
/// | branchy-alexnet | 17 | 0.754 | 68.94 | 602,112 |
public enum ModelZoo {
  /// The zoo's models by name, so code that names one needs no optional: `ModelZoo.model(.vgg16)`.
  public enum Name: String, Sendable, Hashable, CaseIterable, Codable {
    case alexnet, vgg16, resnet18, resnet50, mobilenetv2, googlenet, tinyyolov2
    case branchyAlexnet = "branchy-alexnet"
  }

  /// Registry names, in a fixed order.
  public static let names: [String] = Name.allCases.map(\.rawValue)

  /// The model `name` (fp32, raw input tensor).
  public static func model(_ name: Name) -> DNNModel { make(name, .fp32) }

  /// The model registered under `name` (fp32, raw input tensor), or `nil` for an unknown name
  /// (for names that come from users: files, command lines).
  public static func model(named name: String) -> DNNModel? { Name(rawValue: name).map(model) }

  /// The model registered under `name` with every tensor and parameter in `precision`
  /// (``Precision/bytesPerElement`` × elements), or `nil` for an unknown name.
  ///
  /// `inputBytes` is the size of the model input as sent, when it is encoded rather than a raw
  /// tensor (e.g. a JPEG of that many bytes); `nil` sends the tensor in `precision`. It must be
  /// finite and > 0 (a `FieldError` at `inputBytes` otherwise). FLOPs do not change.
  public static func model(
    named name: String, precision: Precision, inputBytes: Double? = nil
  ) throws(FieldError) -> DNNModel? {
    guard let name = Name(rawValue: name) else { return nil }
    let model = make(name, precision)
    guard let inputBytes else { return model }
    return try DNNModel(name: model.name, inputBytes: inputBytes, inputShape: model.inputShape,
                        layers: model.layers, parallelFraction: model.parallelFraction)
  }

  /// Every registered model, in ``names`` order.
  public static func all() -> [DNNModel] { Name.allCases.map(model) }

  /// The builder of each name.
  private static func make(_ name: Name, _ precision: Precision) -> DNNModel {
    switch name {
    case .alexnet: alexnet(precision: precision)
    case .vgg16: vgg16(precision: precision)
    case .resnet18: resnet18(precision: precision)
    case .resnet50: resnet50(precision: precision)
    case .mobilenetv2: mobilenetv2(precision: precision)
    case .googlenet: googlenet(precision: precision)
    case .tinyyolov2: tinyyolov2(precision: precision)
    case .branchyAlexnet: branchyAlexnet(precision: precision)
    }
  }

  /// Input builder for 224×224 RGB classifiers.
  private static func imagenet(_ name: String, _ precision: Precision) -> NetworkBuilder {
    var b = NetworkBuilder(name, precision: precision)
    b.input(channels: 3, height: 224, width: 224)
    return b
  }

  // MARK: - Chains

  /// AlexNet, torchvision's single-GPU variant (64-192-384-256-256 channels, conv1 11×11/4
  /// with padding 2, so 55×55; no LRN, no grouping): 61,100,840 params, 0.71 GMACs. A chain.
  public static func alexnet(precision: Precision = .fp32) -> DNNModel {
    var b = imagenet("alexnet", precision)
    alexnetFeatures(&b)
    alexnetClassifier(&b, finalAccuracy: nil)
    return b.finish()
  }

  /// The five AlexNet conv stages; `tap` sees the output of pool1 and pool2 so that side
  /// exits can hang off them, and the backbone continues from the tapped tensor.
  private static func alexnetFeatures(
    _ b: inout NetworkBuilder, tap: (inout NetworkBuilder, Int, NetworkBuilder.Tensor) -> Void = { _, _, _ in }
  ) {
    b.convReLU("conv1", out: 64, kernel: 11, stride: 4, padding: 2)
    let pool1 = b.pool("pool1", .max, kernel: 3, stride: 2)
    tap(&b, 1, pool1)
    b.convReLU("conv2", out: 192, kernel: 5, padding: 2, from: pool1)
    let pool2 = b.pool("pool2", .max, kernel: 3, stride: 2)
    tap(&b, 2, pool2)
    b.convReLU("conv3", out: 384, kernel: 3, padding: 1, from: pool2)
    b.convReLU("conv4", out: 256, kernel: 3, padding: 1)
    b.convReLU("conv5", out: 256, kernel: 3, padding: 1)
    b.pool("pool5", .max, kernel: 3, stride: 2)
  }

  /// fc6–fc8; fc8 becomes an `exit` carrying `finalAccuracy` in multi-exit variants.
  private static func alexnetClassifier(_ b: inout NetworkBuilder, finalAccuracy: Double?) {
    b.flatten()
    b.fc("fc6", out: 4096); b.relu()
    b.fc("fc7", out: 4096); b.relu()
    if let finalAccuracy { b.exit("fc8", classes: 1000, accuracy: finalAccuracy) } else { b.fc("fc8", out: 1000) }
  }

  /// VGG-16 (configuration D, no batch norm): 138,357,544 params, 15.47 GMACs. A chain.
  public static func vgg16(precision: Precision = .fp32) -> DNNModel {
    var b = imagenet("vgg16", precision)
    for (stage, (width, convs)) in zip([64, 128, 256, 512, 512], [2, 2, 3, 3, 3]).enumerated() {
      for i in 1...convs { b.convReLU("conv\(stage + 1)_\(i)", out: width, kernel: 3, padding: 1) }
      b.pool("pool\(stage + 1)", .max, kernel: 2, stride: 2)
    }
    b.flatten()
    b.fc("fc6", out: 4096); b.relu()
    b.fc("fc7", out: 4096); b.relu()
    b.fc("fc8", out: 1000)
    return b.finish()
  }

  /// Tiny YOLOv2 for VOC at 416×416 (darknet `yolov2-tiny-voc.cfg`): 9 conv (BN + leaky ReLU
  /// except the last, linear 1×1 to 125 = 5 anchors × 25) and 6 max pools; the sixth is 2×2/1
  /// with darknet's one-pixel trailing padding, keeping 13×13. 15,861,773 params, 3.44 GMACs
  /// (darknet prints ≈ 6.97 BFLOPs). The region (decoding) layer has no weights and is omitted.
  public static func tinyyolov2(precision: Precision = .fp32) -> DNNModel {
    var b = NetworkBuilder("tinyyolov2", precision: precision)
    b.input(channels: 3, height: 416, width: 416)
    for (i, width) in [16, 32, 64, 128, 256, 512].enumerated() {
      b.convBN("conv\(i + 1)", out: width, kernel: 3, padding: 1)
      b.pool("pool\(i + 1)", .max, kernel: 2, stride: i < 5 ? 2 : 1, trailingPadding: 1)
    }
    b.convBN("conv7", out: 1024, kernel: 3, padding: 1)
    b.convBN("conv8", out: 1024, kernel: 3, padding: 1)
    b.conv("conv9", out: 125, kernel: 1)
    return b.finish()
  }

  // MARK: - DAGs

  /// ResNet-18 (torchvision): 11,689,512 params, 1.81 GMACs. Residual adds are DAG joins.
  public static func resnet18(precision: Precision = .fp32) -> DNNModel {
    resnet("resnet18", precision, blocks: [2, 2, 2, 2]) { b, prefix, width, stride, x in
      b.basicBlock(prefix, width: width, stride: stride, from: x)
    }
  }

  /// ResNet-50 (torchvision v1.5, stride on the 3×3 conv): 25,557,032 params, 4.09 GMACs.
  public static func resnet50(precision: Precision = .fp32) -> DNNModel {
    resnet("resnet50", precision, blocks: [3, 4, 6, 3]) { b, prefix, width, stride, x in
      b.bottleneck(prefix, width: width, stride: stride, from: x)
    }
  }

  /// Stem, four stages of `blocks[i]` blocks of width 64·2ⁱ (the first of each stage strided
  /// except in stage 1), global average pool and the 1000-way fc. Names follow torchvision.
  private static func resnet(
    _ name: String, _ precision: Precision, blocks: [Int],
    block: (inout NetworkBuilder, String, Int, Int, NetworkBuilder.Tensor) -> NetworkBuilder.Tensor
  ) -> DNNModel {
    var b = imagenet(name, precision)
    b.convBN("conv1", out: 64, kernel: 7, stride: 2, padding: 3)
    var x = b.pool("maxpool", .max, kernel: 3, stride: 2, padding: 1)
    for (stage, count) in blocks.enumerated() {
      for i in 0..<count {
        let stride = stage > 0 && i == 0 ? 2 : 1
        x = block(&b, "layer\(stage + 1).\(i)", 64 << stage, stride, x)
      }
    }
    b.globalAvgPool("avgpool")
    b.fc("fc", out: 1000)
    return b.finish()
  }

  /// MobileNetV2 (width 1.0, torchvision): 3,504,872 params, 0.30 GMACs. Inverted residuals
  /// with stride 1 and equal channels add their input back, so the graph is a DAG.
  public static func mobilenetv2(precision: Precision = .fp32) -> DNNModel {
    var b = imagenet("mobilenetv2", precision)
    var x = b.convBN("features.0", out: 32, kernel: 3, stride: 2, padding: 1)
    // (expansion t, output channels c, repeats n, first stride s), from the paper's Table 2.
    let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                    (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    var index = 1
    for (t, c, n, s) in settings {
      for i in 0..<n {
        x = b.invertedResidual("features.\(index)", out: c, stride: i == 0 ? s : 1, expansion: t, from: x)
        index += 1
      }
    }
    b.convBN("features.\(index)", out: 1280, kernel: 1)
    b.globalAvgPool("avgpool")
    b.fc("classifier", out: 1000)
    return b.finish()
  }

  /// GoogLeNet (Inception-v1) as torchvision defines it, without the auxiliary heads:
  /// 6,624,904 params, 1.50 GMACs. Every conv is conv + BN; pools use ceil mode; the "5×5"
  /// branch is 3×3 (a known quirk torchvision keeps for its pretrained weights). Each module
  /// is four branches of separate layers joined by a `concat`.
  public static func googlenet(precision: Precision = .fp32) -> DNNModel {
    var b = imagenet("googlenet", precision)
    b.convBN("conv1", out: 64, kernel: 7, stride: 2, padding: 3)
    b.pool("maxpool1", .max, kernel: 3, stride: 2, ceilMode: true)
    b.convBN("conv2", out: 64, kernel: 1)
    b.convBN("conv3", out: 192, kernel: 3, padding: 1)
    var x = b.pool("maxpool2", .max, kernel: 3, stride: 2, ceilMode: true)
    typealias W = NetworkBuilder.InceptionWidths
    // (name, widths, max pool after it as (kernel, name)), from the paper's Table 1.
    let modules: [(String, W, (Int, String)?)] = [
      ("inception3a", W(c1: 64, c3reduce: 96, c3: 128, c5reduce: 16, c5: 32, poolProj: 32), nil),
      ("inception3b", W(c1: 128, c3reduce: 128, c3: 192, c5reduce: 32, c5: 96, poolProj: 64), (3, "maxpool3")),
      ("inception4a", W(c1: 192, c3reduce: 96, c3: 208, c5reduce: 16, c5: 48, poolProj: 64), nil),
      ("inception4b", W(c1: 160, c3reduce: 112, c3: 224, c5reduce: 24, c5: 64, poolProj: 64), nil),
      ("inception4c", W(c1: 128, c3reduce: 128, c3: 256, c5reduce: 24, c5: 64, poolProj: 64), nil),
      ("inception4d", W(c1: 112, c3reduce: 144, c3: 288, c5reduce: 32, c5: 64, poolProj: 64), nil),
      ("inception4e", W(c1: 256, c3reduce: 160, c3: 320, c5reduce: 32, c5: 128, poolProj: 128), (2, "maxpool4")),
      ("inception5a", W(c1: 256, c3reduce: 160, c3: 320, c5reduce: 32, c5: 128, poolProj: 128), nil),
      ("inception5b", W(c1: 384, c3reduce: 192, c3: 384, c5reduce: 48, c5: 128, poolProj: 128), nil),
    ]
    for (name, widths, pool) in modules {
      x = b.inception(name, widths, wideKernel: 3, from: x)
      if let (kernel, poolName) = pool {
        x = b.pool(poolName, .max, kernel: kernel, stride: 2, ceilMode: true, from: x)
      }
    }
    b.globalAvgPool("avgpool")
    b.fc("fc", out: 1000)
    return b.finish()
  }

  /// BranchyNet-style multi-exit AlexNet: the torchvision AlexNet backbone with two side exits
  /// (3×3 conv, 3×3/2 max pool, 1000-way classifier) after pool1 and pool2, each emitted right
  /// after its tap point, and fc8 as the final exit: three `exit` layers.
  ///
  /// Accuracies: the final exit carries torchvision AlexNet's ImageNet top-1 (56.52 %). The
  /// side-exit accuracies (0.34, 0.45) are **illustrative**, not measured: chosen to increase
  /// with depth as BranchyNet's side branches do; no public per-exit figure exists for this
  /// backbone.
  public static func branchyAlexnet(precision: Precision = .fp32) -> DNNModel {
    var b = imagenet("branchy-alexnet", precision)
    let sideExits = [1: (channels: 32, accuracy: 0.34), 2: (channels: 64, accuracy: 0.45)]
    alexnetFeatures(&b) { b, stage, tapped in
      guard let exit = sideExits[stage] else { return }
      b.sideExit("exit\(stage)", channels: exit.channels, classes: 1000, accuracy: exit.accuracy, from: tapped)
    }
    alexnetClassifier(&b, finalAccuracy: 0.56522)
    return b.finish()
  }
}
