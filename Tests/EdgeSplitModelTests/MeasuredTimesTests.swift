import EdgeSplitModel
import Foundation
import Testing

@Suite struct MeasuredTimesTests {
  func model(deviceMs: Double? = nil, serverMs: Double? = nil) throws(FieldError) -> DNNModel {
    try DNNModel(name: "m", inputBytes: 1, layers: [
      Layer(name: "a", type: .conv, flops: 4e9, outputBytes: 1, paramBytes: 0, inputs: [], deviceMs: deviceMs, serverMs: serverMs),
    ])
  }

  @Test func measuredTimeWinsElseFlopsOverSpeed() throws {
    let measured = try model(deviceMs: 25, serverMs: 0)
    #expect(measured.seconds(0, on: .device, gflops: 2) == 0.025)
    #expect(measured.seconds(0, on: .server, gflops: 2) == 0)
    let partly = try model(deviceMs: 25)
    #expect(partly.seconds(0, on: .server, gflops: 2) == Seconds.compute(4e9, gflops: 2))
    let none = try model()
    #expect(none.seconds(0, on: .device, gflops: 8) == 0.5)
  }

  @Test(arguments: [-1, .nan, .infinity] as [Double])
  func invalidTimesNameTheField(value: Double) {
    #expect(throws: FieldError.self) { try model(deviceMs: value) }
    do { _ = try model(serverMs: value) } catch { #expect(error.path == "layers[0].serverMs") }
  }

  /// Present times survive a JSON round trip; absent ones write no key (old files stay bit for bit).
  @Test func jsonRoundTrip() throws {
    let measured = try model(deviceMs: 1.5, serverMs: 0.25)
    #expect(try JSONDecoder().decode(DNNModel.self, from: JSONEncoder().encode(measured)) == measured)
    let plain = String(decoding: try JSONEncoder().encode(try model()), as: UTF8.self)
    #expect(!plain.contains("deviceMs") && !plain.contains("serverMs"))
    let bad = #"{"name":"m","inputBytes":1,"layers":[{"name":"a","type":"fc","flops":1,"outputBytes":1,"paramBytes":0,"inputs":[],"deviceMs":-3}]}"#
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(DNNModel.self, from: Data(bad.utf8)) }
  }
}
