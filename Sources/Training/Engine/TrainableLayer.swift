import NeuralNet

/// One differentiable layer over a batch. `forward` runs the layer's one reference forward in
/// NeuralNet (`ConvolutionReference`, `BatchNormReference`, ...) and caches what `backward` needs
/// (inputs, masks, im2col matrices, gate activations); `backward` takes ∂loss/∂output of the LAST forward pass,
/// ACCUMULATES parameter gradients into `parameters[i].gradient` and returns ∂loss/∂input.
///
/// Layers are reference types holding their caches, used by one thread at a time.
public protocol TrainableLayer: AnyObject {
    /// The layer's parameters in `NetworkSpec.parameterShapes()` order (empty for parameter-free layers).
    var parameters: [Parameter] { get }
    /// `random` feeds stochastic layers (dropout) in training mode.
    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor
    /// - Parameter needsInputGradient: false for the first layer, which may skip computing ∂loss/∂input
    ///   (it then returns an empty tensor of the input's shape).
    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor
}
