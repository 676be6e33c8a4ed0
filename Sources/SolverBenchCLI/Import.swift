import ArgumentParser
import EdgeSplitModel
import Foundation
import ModelImport
import ModelZoo

extension Precision: ExpressibleByArgument {}

extension SolverBench {
  struct ImportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import-onnx",
      abstract: "Convert an ONNX model to an EdgeSplit model file (shapes, FLOPs and bytes from shape inference).",
      discussion: """
        Operators: \(ONNXImport.supportedOperators.joined(separator: ", ")). Shape subgraphs \
        (Shape, Gather, Concat, ... over constants) are folded; weights are never read, so a graph \
        whose weights sit in an external .data file imports without it. Conventions as in the model \
        zoo: FLOPs = 2 × MACs; element-wise operators, views and normalizations fold into the layer \
        before them. Any other operator is an error naming the node. Exit status 2 on bad input.
        """)

    @Argument(help: "The .onnx file.")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the model JSON (default: standard output).")
    var output: String?

    @Option(help: "Model name (default: the file name without extension).")
    var name: String?

    @Option(help: ArgumentHelp("The input size when the file leaves it symbolic, e.g. 1x3x224x224.", valueName: "NxCxHxW"))
    var inputShape: String?

    @Option(help: "Tensor and parameter precision: fp32, fp16 or int8.")
    var precision: Precision = .fp32

    func validate() throws { _ = try options.shape() }

    private var options: ModelOptions {
      var options = ModelOptions()
      options.inputShape = inputShape
      options.precision = precision
      return options
    }

    func run() throws {
      try write(try options.load(file, name: name), to: output)
    }
  }

  struct ImportCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import-csv",
      abstract: "Convert a measured per-layer profile (CSV) to an EdgeSplit model file.",
      discussion: """
        Header: layer,inputs,device_ms,server_ms,output_bytes,param_bytes (any order), optionally \
        flops and type. inputs: layer names separated by ';', empty = reads the model input. \
        device_ms / server_ms: measured times (server: one thread), empty = not measured (FLOPs ÷ \
        speed is used). Errors name the row and column. Exit status 2 on bad input.
        """)

    @Argument(help: "The .csv file.")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the model JSON (default: standard output).")
    var output: String?

    @Option(help: "Model name.")
    var name: String

    @Option(parsing: .unconditional, help: "Bytes of the model input as sent (e.g. an encoded image).")
    var inputBytes: Double

    func run() throws {
      let data = try readInput(file)
      guard let text = String(data: data, encoding: .utf8) else {
        throw badInput("\(file): not UTF-8 text")
      }
      let model = try importing { () throws(InstanceLoadError) in
        try ProfileCSV.model(from: text, file: file, name: name, inputBytes: inputBytes)
      }
      try write(model, to: output)
    }
  }
}

/// The file's contents; an unreadable file is bad input (exit 2).
func readInput(_ path: String) throws -> Data {
  do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
    throw badInput("\(path): cannot read file: \(error.localizedDescription)")
  }
}

/// Runs an import; an ``InstanceLoadError`` is bad input (exit 2).
func importing(_ body: () throws(InstanceLoadError) -> DNNModel) throws -> DNNModel {
  do { return try body() } catch { throw badInput(error.description) }
}

/// Prints `error: message` on stderr, as for bad instance files, and gives exit status 2.
func badInput(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  return ExitCode(2)
}

private func stem(_ path: String) -> String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

/// The model as a bare model JSON (like `instances/models/*.json`), to `path` or standard output.
private func write(_ model: DNNModel, to path: String?) throws {
  let data = try InstanceIO.encoder.encode(model) + Data("\n".utf8)
  guard let path else { FileHandle.standardOutput.write(data); return }
  try data.write(to: URL(fileURLWithPath: path))
  FileHandle.standardError.write(Data("wrote \(path): \(model.layers.count) layers\n".utf8))
}
