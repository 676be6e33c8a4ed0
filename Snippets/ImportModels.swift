// Bring your own model: an ONNX graph and a measured CSV profile, both as DNNModel values.
// Run from the package root (the files are the ModelImport test fixtures).
import EdgeSplit                // re-exports ModelImport
import Foundation

// snippet.onnx
let onnxFile = "Tests/ModelImportTests/Fixtures/tiny-cnn.onnx"
let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: onnxFile)))
let cnn = try ONNXImport.model(from: bytes, file: onnxFile, name: "tiny-cnn", precision: .fp16)
print(cnn.layers.map(\.name), cnn.inputBytes)
// snippet.csv
let csvFile = "Tests/ModelImportTests/Fixtures/profile.csv"
let text = try String(contentsOfFile: csvFile, encoding: .utf8)
let profiled = try ProfileCSV.model(from: text, file: csvFile, name: "measured", inputBytes: 150_528)
print(profiled.seconds(0, on: .device, gflops: 10))   // the measured 12.5 ms, whatever the speed
print(ProfileCSV.export(profiled))                    // the same CSV format back
// The measured times are used by surgery (P2) instances:
let split = try SurgeryInstance(name: "measured-wifi", model: profiled, deviceGflops: 10,
                                serverGflops: 100, uplinkMbps: 50, objective: .latency)
print(SurgeryFamily.plan(DSL.solve(split).solution!, on: split))
// snippet.zoo
let int8 = try ModelZoo.model(named: "resnet18", precision: .int8, inputBytes: 50_000)!  // a 50 kB JPEG input
var builder = NetworkBuilder("my-net", precision: .fp32)
_ = builder.input(channels: 3, height: 32, width: 32)
builder.conv("conv1", out: 16, kernel: 3, padding: 1)
builder.pool("pool1", .max, kernel: 2, stride: 2)
builder.conv("conv2", out: 32, kernel: 3, padding: 1)
_ = builder.flatten()
builder.fc("fc", out: 10)
let mine = try builder.build()
print(int8.inputBytes, mine.layers.count)
// snippet.end
// snippet.hide
precondition(abs(profiled.seconds(0, on: .device, gflops: 10) - 0.0125) < 1e-12)
