import EdgeSplitModel
import ModelZoo

/// The multi-exit models of P5 and their reduction to per-exit cut costs.
public enum StreamsProfiles {
  /// ResNet-18 (torchvision layout) with SDN-style internal classifiers (global average pool +
  /// 1000-way exit) after layer1, layer2 and layer3, built with the zoo's `NetworkBuilder`.
  ///
  /// Accuracies: the final exit carries torchvision ResNet-18's ImageNet top-1 (69.758 %); the
  /// side-exit accuracies (0.30, 0.45, 0.58) are **illustrative**, increasing with depth as the
  /// internal classifiers of Shallow-Deep Networks (Kaya et al., ICML 2019) do; they are not
  /// measured on this backbone.
  public static func resnet18Exits() -> DNNModel {
    var b = NetworkBuilder("resnet18-exits")
    b.input(channels: 3, height: 224, width: 224)
    b.conv("conv1", out: 64, kernel: 7, stride: 2, padding: 3, bias: false)
    b.batchnorm()
    var x = b.pool("maxpool", .max, kernel: 3, stride: 2, padding: 1)
    let sideAccuracy = [1: 0.30, 2: 0.45, 3: 0.58]
    for (stage, width) in [64, 128, 256, 512].enumerated() {
      for block in 0..<2 {
        let stride = stage > 0 && block == 0 ? 2 : 1, p = "layer\(stage + 1).\(block)"
        b.conv("\(p).conv1", out: width, kernel: 3, stride: stride, padding: 1, bias: false, from: x)
        b.batchnorm()
        let y = b.conv("\(p).conv2", out: width, kernel: 3, padding: 1, bias: false)
        b.batchnorm()
        var shortcut = x
        if stride != 1 || x.channels != width {
          shortcut = b.conv("\(p).downsample", out: width, kernel: 1, stride: stride, bias: false, from: x)
          b.batchnorm()
        }
        x = b.add(p, from: [y, shortcut])
      }
      if let accuracy = sideAccuracy[stage + 1] {
        b.globalAvgPool("exit\(stage + 1).pool", from: x)
        b.exit("exit\(stage + 1)", classes: 1000, accuracy: accuracy)
      }
    }
    b.globalAvgPool("avgpool", from: x)
    b.exit("fc", classes: 1000, accuracy: 0.69758)
    do { return try b.build() } catch { preconditionFailure("resnet18-exits definition is wrong: \(error)") }
  }

  /// The two P5 models: `branchy-alexnet` from the zoo and ``resnet18Exits()``.
  public static func standard() -> [StreamsModel] {
    let alexnet = ModelZoo.model(.branchyAlexnet)
    return [
      profile(of: alexnet, accuracySource: "final exit: torchvision AlexNet top-1; side exits illustrative (BranchyNet-style)"),
      profile(of: resnet18Exits(), accuracySource: "final exit: torchvision ResNet-18 top-1; side exits illustrative (SDN-style)"),
    ]
  }

  /// Reduces a multi-exit model to its exits (layers of kind `exit`, in topological order) and,
  /// per exit, the prefix cuts of a topological order of the exit's ancestors: Pareto-optimal in
  /// (device FLOPs, bytes sent, server FLOPs), keeping all-offload, all-local and the
  /// `maxIntermediate` intermediate cuts sending the fewest bytes.
  public static func profile(of model: DNNModel, accuracySource: String, maxIntermediate: Int = 2) -> StreamsModel {
    let exits = model.topologicalOrder.filter { model.layers[$0].type == .exit }
    return StreamsModel(name: model.name, accuracySource: accuracySource, exits: exits.map { e in
      var ancestors: Set<Int> = [e], stack = [e]
      while let i = stack.popLast() {
        for p in model.predecessors[i] where ancestors.insert(p).inserted { stack.append(p) }
      }
      let order = model.topologicalOrder.filter { ancestors.contains($0) }
      let total = order.reduce(0) { $0 + model.layers[$1].flops }
      var cuts: [StreamsCut] = []
      var deviceFlops = 0.0
      for k in 0...order.count {
        if k > 0 { deviceFlops += model.layers[order[k - 1]].flops }
        let onDevice = Set(order.prefix(k))
        let bytes: Double = k == 0 ? model.inputBytes : onDevice.reduce(0) { sum, i in
          model.successors[i].contains { ancestors.contains($0) && !onDevice.contains($0) } ? sum + model.layers[i].outputBytes : sum
        }
        let server = max(0, total - deviceFlops)
        cuts.append(StreamsCut(after: k == 0 ? "input" : model.layers[order[k - 1]].name, deviceFlops: deviceFlops,
                               sendBytes: k == order.count ? 0 : bytes, serverFlops: k == order.count ? 0 : server))
      }
      let ends = [cuts.first!, cuts.last!]
      let middle = cuts.dropFirst().dropLast().filter { c in
        !cuts.contains { o in
          o != c && o.deviceFlops <= c.deviceFlops && o.sendBytes <= c.sendBytes && o.serverFlops <= c.serverFlops
        }
      }
      let kept = middle.sorted { ($0.sendBytes, $0.deviceFlops) < ($1.sendBytes, $1.deviceFlops) }.prefix(maxIntermediate)
      let chosen = [ends[0]] + kept.sorted { $0.deviceFlops < $1.deviceFlops } + [ends[1]]
      return StreamsExit(name: model.layers[e].name, accuracy: model.layers[e].accuracy ?? 0, cuts: chosen)
    })
  }
}
