import Foundation
import Reports

/// One axis of a plot: its label (with the unit), linear or log scale, and how ticks read.
public struct PlotAxis: Sendable {
    /// Linear, or base-10 log (latencies and loads that span decades).
    public enum Scale: Sendable, Hashable {
        /// Evenly spaced values.
        case linear
        /// Evenly spaced decades; values ≤ 0 cannot be drawn.
        case log
    }

    /// The label, with its unit, e.g. `acquire latency (log scale)`.
    public var label: String
    /// Linear or log.
    public var scale: Scale
    /// Tick text for a value.
    public var format: @Sendable (Double) -> String
    /// Start a linear axis at 0 whatever the data (throughput, counts).
    public var includeZero: Bool
    /// Fixed ticks (value, text) instead of computed ones: the HDR percentile axis.
    public var fixedTicks: [(Double, String)]?
    /// A fixed domain instead of one fitted to the data.
    public var domain: ClosedRange<Double>?

    public init(
        _ label: String, scale: Scale = .linear, includeZero: Bool = false, domain: ClosedRange<Double>? = nil,
        fixedTicks: [(Double, String)]? = nil, format: @escaping @Sendable (Double) -> String = HumanUnits.compact
    ) {
        self.label = label
        self.scale = scale
        self.format = format
        self.includeZero = includeZero
        self.fixedTicks = fixedTicks
        self.domain = domain
    }

    /// The HDR percentile axis: x = log10(1/(1-p)), ticks at 0%, 90%, 99%, 99.9%, … up to `maxX`. The
    /// axis ends just past the data rather than at the next tick, so curves use the plot's width.
    public static func percentile(maxX: Double) -> PlotAxis {
        let top = max(1, min(7, (maxX * 1.03 * 10).rounded(.up) / 10))
        let ticks = (0...Int(top.rounded(.down))).map { k -> (Double, String) in
            switch k {
            case 0: return (0, "0%")
            case 1: return (1, "90%")
            case 2: return (2, "99%")
            default: return (Double(k), "99." + String(repeating: "9", count: k - 2) + "%")
            }
        }
        return PlotAxis("percentile (log scale of 1/(1−p))", domain: 0...top, fixedTicks: ticks)
    }
}

/// An axis fitted to data: maps values to pixels and lists ticks.
struct FittedAxis {
    var axis: PlotAxis
    var lo: Double
    var hi: Double
    var pixelStart: Double
    var pixelEnd: Double

    /// Fits `axis` to `values` (non-finite values, and values ≤ 0 on a log axis, ignored).
    init(_ axis: PlotAxis, values: [Double], pixels: (Double, Double)) {
        self.axis = axis
        pixelStart = pixels.0
        pixelEnd = pixels.1
        if let domain = axis.domain {
            lo = domain.lowerBound
            hi = domain.upperBound
            return
        }
        switch axis.scale {
        case .log:
            let positive = values.filter { $0 > 0 && $0.isFinite }
            let low = positive.min() ?? 1
            let high = positive.max() ?? 10
            lo = pow(10, floor(log10(low)))
            hi = pow(10, ceil(log10(high)))
            if hi <= lo { hi = lo * 10 }
        case .linear:
            let finite = values.filter(\.isFinite)
            var low = finite.min() ?? 0
            var high = finite.max() ?? 1
            if axis.includeZero { low = min(0, low); high = max(0, high) }
            if high <= low { high = low + 1 }
            let step = Self.niceStep((high - low) / 5)
            lo = floor(low / step) * step
            hi = ceil(high / step) * step
        }
    }

    /// 1, 2 or 5 × 10^k nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// The pixel of `value`, or `nil` when it cannot be drawn (≤ 0 on a log axis, not finite).
    func pixel(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let t: Double
        switch axis.scale {
        case .linear:
            t = (value - lo) / (hi - lo)
        case .log:
            guard value > 0 else { return nil }
            t = (log10(value) - log10(lo)) / (log10(hi) - log10(lo))
        }
        return pixelStart + t * (pixelEnd - pixelStart)
    }

    /// Ticks: (value, text or `nil` for an unlabelled minor line).
    var ticks: [(value: Double, text: String?)] {
        if let fixed = axis.fixedTicks { return fixed.map { ($0.0, $0.1) } }
        switch axis.scale {
        case .linear:
            let step = Self.niceStep((hi - lo) / 5)
            var result: [(Double, String?)] = []
            var v = lo
            while v <= hi + step / 1_000 {
                result.append((v, axis.format(abs(v) < step / 1_000 ? 0 : v)))
                v += step
            }
            return result
        case .log:
            let decades = Int((log10(hi) - log10(lo)).rounded())
            var result: [(Double, String?)] = []
            let first = Int(log10(lo).rounded())
            for k in first...(first + decades) {
                let base = pow(10, Double(k))
                result.append((base, axis.format(base)))
                guard k < first + decades else { break }
                for m in 2...9 {
                    // With few decades the 2× and 5× lines get labels too, or the axis reads as two numbers.
                    let labelled = decades <= 2 && (m == 2 || m == 5)
                    result.append((base * Double(m), labelled ? axis.format(base * Double(m)) : nil))
                }
            }
            return result
        }
    }
}
