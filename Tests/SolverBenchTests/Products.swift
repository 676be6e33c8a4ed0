import Foundation

/// A built executable of the package, next to the test bundle in the products folder.
func product(_ name: String) -> URL {
  var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), folder.path != "/" {
    folder.deleteLastPathComponent()
  }
  return folder.appendingPathComponent(name)
}

/// Runs `executable` with `arguments`; returns its exit status and what it printed.
func runProcess(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// Runs the package's executable `name`.
func runProduct(_ name: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
  try runProcess(product(name), arguments)
}

/// The shipped instance file at `path` under `instances/`.
func shippedInstance(_ path: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instances/\(path)").standardized.path
}
