import Admission
import EdgeSplitModel
import Foundation
import ModelZoo

/// The instance set shipped under `instances/`, regenerated bit for bit by
/// `solverbench generate` (every file comes from a fixed seed).
public enum ShippedInstances {
  /// Models P1 requests draw from: chains and DAGs of very different weight.
  public static let admissionModels = ["alexnet", "resnet18", "mobilenetv2", "googlenet", "vgg16", "tinyyolov2"]

  /// (requests, cloudlets) of the small P1 instances, solved exactly in CI.
  public static let smallAdmission: [(requests: Int, cloudlets: Int)] = [
    (8, 2), (10, 2), (12, 3), (15, 3), (20, 3), (25, 4), (30, 4), (35, 4), (40, 5), (45, 5), (50, 6), (60, 6),
  ]

  /// (requests, cloudlets) of the large P1 instances: beyond exact solving, for speed and bounds.
  public static let largeAdmission: [(requests: Int, cloudlets: Int)] = [(2_000, 50), (2_500, 60)]

  /// Every shipped file as (relative path, instance or model).
  public static func all() throws -> [(path: String, content: Content)] {
    var files: [(String, Content)] = ModelZoo.names.map { ("models/\($0).json", .model(ModelZoo.model(named: $0)!)) }
    let models = admissionModels.map { ModelZoo.model(named: $0)! }
    let generator = AdmissionGenerator()
    for (i, size) in smallAdmission.enumerated() {
      let name = String(format: "small-%02d", i + 1)
      files.append(("admission/\(name).json", .instance(.admission(
        try generator.generate(name: name, models: models, requests: size.requests, cloudlets: size.cloudlets, seed: UInt64(100 + i))))))
    }
    for (i, size) in largeAdmission.enumerated() {
      let name = String(format: "large-%02d", i + 1)
      files.append(("admission/\(name).json", .instance(.admission(
        try generator.generate(name: name, models: models, requests: size.requests, cloudlets: size.cloudlets, seed: UInt64(900 + i))))))
    }
    return files
  }

  /// A shipped file's content.
  public enum Content {
    case model(DNNModel)
    case instance(ProblemInstance)
  }

  /// Writes every shipped file under `folder`; returns the paths written.
  @discardableResult
  public static func write(to folder: URL) throws -> [URL] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try all().map { path, content in
      let url = folder.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      let data = switch content {
      case .model(let model): try encoder.encode(model)
      case .instance(let instance): try InstanceIO.encode(instance)
      }
      try data.write(to: url)
      return url
    }
  }
}
