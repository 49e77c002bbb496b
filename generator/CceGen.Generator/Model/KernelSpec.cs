namespace CceGen.Generator.Model;

/// <summary>Element type of the predictions.</summary>
internal enum PredictionType { Single, Half }

/// <summary>Element type of the labels.</summary>
internal enum LabelType { Int32, Int64 }

/// <summary>What the predictions hold (mirrors CceGen.CceInput).</summary>
internal enum InputKind { Logits = 0, PyTorchProbabilities = 1, KerasProbabilities = 2 }

/// <summary>How per-row losses are combined (mirrors CceGen.CceReduction).</summary>
internal enum ReductionKind { Mean = 0, Sum = 1, None = 2 }

/// <summary>Label shape (mirrors CceGen.CceLabelShape).</summary>
internal enum LabelShapeKind { Vector = 0, Column = 1 }

/// <summary>What a parameter of the kernel's signature means; the signature grammar fixes the order.</summary>
internal enum ParameterRole { Predictions, ClassCount, RowStride, Labels, LabelStride, Losses, Gradient, Upstream, Correct }

/// <summary>Element type of the fused gradient output (None: no gradient).</summary>
internal enum GradientType { None, Single, Half }

/// <summary>One parameter: its role and the name the user gave it.</summary>
internal sealed record ParameterSpec(ParameterRole Role, string Name);

/// <summary>
/// Everything the emitter needs to write one kernel, as plain equatable data (no symbols, no syntax).
/// An option lives here, in the parser line that fills it, and in the emitter lines that use it.
/// </summary>
internal sealed record KernelSpec(
    ContainingTypeSpec Containing,
    string HintName,
    string MethodName,
    string Modifiers,
    PredictionType Predictions,
    LabelType Labels,
    InputKind Input,
    ReductionKind Reduction,
    LabelShapeKind LabelShape,
    int ClassCount,
    int RowStride,
    GradientType Gradient,
    bool Parallel,
    EquatableArray<ParameterSpec> Parameters)
{
    /// <summary>C is a compile-time constant.</summary>
    public bool HasFixedClassCount => ClassCount > 0;

    /// <summary>The row stride is a compile-time constant (given, or dense with fixed C).</summary>
    public int FixedRowStride => RowStride > 0 ? RowStride : (HasFixedClassCount && !Has(ParameterRole.RowStride) ? ClassCount : 0);

    public bool Has(ParameterRole role) => Find(role) is not null;

    public string? Find(ParameterRole role)
    {
        foreach (ParameterSpec p in Parameters)
        {
            if (p.Role == role)
            {
                return p.Name;
            }
        }

        return null;
    }

    public string Name(ParameterRole role) => Find(role)!;
}
