import NeuralNet

/// Hands a `TrainableNetwork`'s layers their parameters under NeuralNet's names
/// (`spec.parameterShapes()`): the given values, or fresh initial values drawn in the order the layers
/// ask for them (state-dict order), so a seed gives the same network. Each layer states its own
/// initialisation where it asks (PyTorch's defaults unless that layer says otherwise).
final class ParameterStore {
    /// How a parameter starts when no value is given.
    enum Initialization {
        /// `U(−bound, bound)`.
        case uniform(bound: Float)
        /// Every element `value`.
        case constant(Float)
    }

    private let shapes: [String: [Int]]
    private let given: [String: Tensor]?
    private(set) var random: SeededGenerator
    /// Every parameter handed out, in the order asked for.
    private(set) var created: [Parameter] = []

    init(shapes: [(name: String, shape: [Int])], given: [String: Tensor]?, random: SeededGenerator) {
        self.shapes = Dictionary(uniqueKeysWithValues: shapes.map { ($0.name, $0.shape) })
        self.given = given
        self.random = random
    }

    /// The shape of layer `index`'s parameter `suffix` (e.g. for a fan-in).
    func shape(_ index: Int, _ suffix: String) -> [Int] { shapes["layers.\(index).\(suffix)"]! }

    /// Whether layer `index` has a parameter `suffix` (e.g. an optional bias).
    func has(_ index: Int, _ suffix: String) -> Bool { shapes["layers.\(index).\(suffix)"] != nil }

    /// Layer `index`'s parameter `suffix`: the given value, or one drawn as `initialization`.
    /// - Parameters:
    ///   - trainable: false for buffers (BatchNorm running statistics).
    ///   - decays: whether weight decay applies.
    func parameter(_ index: Int, _ suffix: String, _ initialization: Initialization, trainable: Bool = true,
                   decays: Bool = false) -> Parameter {
        let name = "layers.\(index).\(suffix)"
        let shape = shapes[name]!
        let value = given?[name]?.values ?? draw(initialization, count: shape.reduce(1, *))
        let p = Parameter(name: name, shape: shape, value: value, trainable: trainable, decays: decays)
        created.append(p)
        return p
    }

    /// `parameter` when the layer has it, else nil.
    func optional(_ index: Int, _ suffix: String, _ initialization: Initialization) -> Parameter? {
        has(index, suffix) ? parameter(index, suffix, initialization) : nil
    }

    private func draw(_ initialization: Initialization, count: Int) -> [Float] {
        switch initialization {
        case .uniform(let bound): (0..<count).map { _ in (2 * random.nextUniform() - 1) * bound }
        case .constant(let value): [Float](repeating: value, count: count)
        }
    }
}
