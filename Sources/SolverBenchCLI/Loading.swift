import EdgeSplitModel
import Foundation
import Harness

/// Loading instance files the way every command does: each file's problems on stderr as
/// `error: file: field: message`, unknown fields as warnings (errors with `--strict`), model files
/// in a folder skipped with a note, never silently.
struct InstanceLoader {
  /// Unknown fields fail the file instead of warning.
  var strict: Bool
  /// No notes (errors and warnings still print).
  var quiet: Bool

  /// The instances in `files`; `failed` when any file did not load (the caller exits 2).
  func load(_ files: [URL]) -> (instances: [AnyInstance], failed: Bool) {
    var instances: [AnyInstance] = []
    var failed = false
    var models: [String] = []
    for file in files {
      let data: Data
      do { data = try InstanceIO.contents(of: file) } catch {
        report("error: \(error)")
        failed = true
        continue
      }
      do {
        let (instance, unknown) = try InstanceIO.decodeFindingUnknownFields(
          data, file: file.path, defaultName: file.deletingPathExtension().lastPathComponent, families: Catalog.families)
        for field in unknown {
          let problem = InstanceLoadError(file: file.path, path: field, message: "unknown field\(strict ? "" : " (ignored)")")
          report("\(strict ? "error" : "warning"): \(problem)")
        }
        if strict && !unknown.isEmpty { failed = true } else { instances.append(instance) }
      } catch {
        // Only a file that failed to load is looked at again, to tell a bare model from a broken instance.
        if files.count > 1, InstanceIO.isModelFile(data) {
          models.append(file.lastPathComponent)
        } else {
          report("error: \(error)")
          failed = true
        }
      }
    }
    if !models.isEmpty && !quiet {
      report("note: skipped \(models.count) model file\(models.count == 1 ? "" : "s") (a bare model, no \"format\"): \(models.joined(separator: ", "))")
    }
    return (instances, failed)
  }

  private func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
