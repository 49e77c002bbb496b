using System.Collections.Generic;
using System.Collections.Immutable;
using CceGen.Generator.Diagnostics;
using CceGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace CceGen.Generator;

public sealed partial class SparseCceGenerator
{
    /// <summary>The parameter and return types of a kernel, read in the order the signature grammar fixes.</summary>
    internal readonly record struct ParsedSignature(PredictionType Predictions, LabelType Labels, GradientType Gradient, List<ParameterSpec> Parameters);

    /// <summary>
    /// Reads a kernel signature against the grammar
    /// <c>(ReadOnlySpan&lt;float|Half&gt; predictions, [int classCount], [int rowStride], ReadOnlySpan&lt;int|long&gt; labels,
    /// [int labelStride], [Span&lt;float&gt; losses], [Span&lt;float|Half&gt; gradient], [ReadOnlySpan&lt;float&gt; upstream],
    /// [out int correct])</c>, where which optional parameters are allowed follows from the
    /// attribute. Adds a diagnostic at the offending parameter for each mismatch.
    /// </summary>
    internal sealed class SignatureParser
    {
        private readonly IMethodSymbol _method;
        private readonly string _methodName;
        private readonly ReductionKind _reduction;
        private readonly LabelShapeKind _labelShape;
        private readonly int _classCount;
        private readonly int _rowStride;
        private readonly Location _fallbackLocation;
        private readonly List<DiagnosticInfo> _diagnostics;

        public SignatureParser(IMethodSymbol method, string methodName, InputKind input, ReductionKind reduction,
            LabelShapeKind labelShape, int classCount, int rowStride, Location fallbackLocation, List<DiagnosticInfo> diagnostics)
        {
            _method = method;
            _methodName = methodName;
            _reduction = reduction;
            _labelShape = labelShape;
            _classCount = classCount;
            _rowStride = rowStride;
            _fallbackLocation = fallbackLocation;
            _diagnostics = diagnostics;
            _ = input; // every input kind takes the same parameters today; options such as class weights will differ
        }

        public ParsedSignature? Parse()
        {
            int errors = _diagnostics.Count;
            ImmutableArray<IParameterSymbol> ps = _method.Parameters;
            foreach (IParameterSymbol p in ps)
            {
                bool correctCount = p.RefKind == RefKind.Out && p.Type.SpecialType == SpecialType.System_Int32 && p.Ordinal == ps.Length - 1;
                // 'out int correct' is the one by-reference parameter (out parameters are implicitly scoped).
                bool extensionThis = _method.IsExtensionMethod && p.Ordinal == 0;
                if (!correctCount && (p.RefKind != RefKind.None || p.IsParams || extensionThis || p.ScopedKind != ScopedKind.None))
                {
                    Report(DiagnosticDescriptors.UnsupportedParameterModifier, p, p.Name, _methodName);
                }
            }

            var parameters = new List<ParameterSpec>();
            int i = 0;

            // 1. Predictions.
            PredictionType predictions = PredictionType.Single;
            if (ps.Length == 0)
            {
                Mismatch(null, "it has no parameters");
                return null;
            }

            if (SpanElement(ps[0].Type, "ReadOnlySpan") is { } predElement && PredictionOf(predElement) is { } pt)
            {
                predictions = pt;
            }
            else
            {
                Report(DiagnosticDescriptors.UnsupportedPredictionType, ps[0], _methodName, ps[0].Type.ToDisplayString());
            }

            parameters.Add(new ParameterSpec(ParameterRole.Predictions, ps[0].Name));
            i++;

            // 2. ints before the labels: classCount (unless fixed), then rowStride.
            int ints = 0;
            while (i + ints < ps.Length && ps[i + ints].RefKind == RefKind.None && ps[i + ints].Type.SpecialType == SpecialType.System_Int32)
            {
                ints++;
            }

            bool fixedC = _classCount > 0;
            int minInts = fixedC ? 0 : 1;
            int maxInts = fixedC ? 1 : 2;
            if (ints < minInts)
            {
                Mismatch(i < ps.Length ? ps[i] : null, "it needs an int classCount parameter after the predictions because ClassCount is not set in the attribute");
            }
            else if (ints > maxInts)
            {
                // The one too many is the one named for the class count, if any (ClassCount is fixed), else the last.
                int extra = maxInts;
                for (int k = 0; fixedC && k < ints; k++)
                {
                    if (RoleNamed(ps[i + k].Name) == ParameterRole.ClassCount)
                    {
                        extra = k;
                        break;
                    }
                }

                Mismatch(ps[i + extra], fixedC
                    ? $"'{ps[i + extra].Name}' is one int too many before the labels: ClassCount = {_classCount} is set in the attribute, so only an optional int rowStride comes between the predictions and the labels"
                    : $"'{ps[i + extra].Name}' is one int too many before the labels (int classCount, then an optional int rowStride)");
            }
            else
            {
                if (!fixedC)
                {
                    parameters.Add(new ParameterSpec(ParameterRole.ClassCount, ps[i].Name));
                }

                if (ints == minInts + 1)
                {
                    IParameterSymbol stride = ps[i + ints - 1];
                    if (_rowStride > 0)
                    {
                        Report(DiagnosticDescriptors.ContradictoryOptions, stride, _methodName,
                            $"the row stride is fixed by RowStride = {_rowStride} and also passed as parameter '{stride.Name}'" +
                            (fixedC && RoleNamed(stride.Name) == ParameterRole.ClassCount
                                ? $" (ClassCount = {_classCount} is set too, so the kernel takes no classCount parameter: remove it)"
                                : string.Empty));
                    }

                    parameters.Add(new ParameterSpec(ParameterRole.RowStride, stride.Name));
                }
            }

            i += ints;

            // 3. Labels.
            LabelType labels = LabelType.Int32;
            if (i >= ps.Length)
            {
                Mismatch(null, "it has no labels parameter");
                return null;
            }

            if (SpanElement(ps[i].Type, "ReadOnlySpan") is { } labelElement)
            {
                if (labelElement.SpecialType == SpecialType.System_Int64)
                {
                    labels = LabelType.Int64;
                }
                else if (labelElement.SpecialType != SpecialType.System_Int32)
                {
                    Report(DiagnosticDescriptors.UnsupportedLabelType, ps[i], _methodName, ps[i].Type.ToDisplayString());
                }

                parameters.Add(new ParameterSpec(ParameterRole.Labels, ps[i].Name));
                i++;
            }
            else
            {
                Mismatch(ps[i], $"'{ps[i].Name}' is where the ReadOnlySpan<int> or ReadOnlySpan<long> labels belong");
                return null;
            }

            // 4. Label stride: only for a (B, 1) column.
            if (i < ps.Length && ps[i].RefKind == RefKind.None && ps[i].Type.SpecialType == SpecialType.System_Int32)
            {
                if (_labelShape != LabelShapeKind.Column)
                {
                    if (RoleNamed(ps[i].Name) is { } named and (ParameterRole.ClassCount or ParameterRole.RowStride))
                    {
                        int fixedValue = named == ParameterRole.ClassCount ? _classCount : _rowStride;
                        Mismatch(ps[i], fixedValue > 0
                            ? $"'{ps[i].Name}' comes after the labels, and {(named == ParameterRole.ClassCount ? "ClassCount" : "RowStride")} = {fixedValue} is set in the attribute, so the kernel takes no {Describe(named)} parameter: remove the parameter or the option"
                            : $"'{ps[i].Name}' comes after the labels; the int {Describe(named)} goes between the predictions and the labels");
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.ContradictoryOptions, ps[i], _methodName,
                            $"the only int after the labels is a label stride, so parameter '{ps[i].Name}' is one, which needs Labels = CceLabelShape.Column");
                    }
                }

                parameters.Add(new ParameterSpec(ParameterRole.LabelStride, ps[i].Name));
                i++;
            }

            // 5. Per-row losses: exactly when the reduction is None.
            //    (With Mean or Sum a Span after the labels is the gradient: the loss is returned.)
            bool hasLosses = _reduction == ReductionKind.None && i < ps.Length && SpanElement(ps[i].Type, "Span") is { SpecialType: SpecialType.System_Single };
            if (_reduction == ReductionKind.None && !hasLosses)
            {
                Mismatch(i < ps.Length ? ps[i] : null, "CceReduction.None needs a Span<float> losses parameter after the labels");
            }

            if (hasLosses)
            {
                parameters.Add(new ParameterSpec(ParameterRole.Losses, ps[i].Name));
                i++;
            }

            // 6. Fused gradient dL/dpredictions (same layout as the predictions), then an optional per-row upstream
            //    gradient (None only), then the fused accuracy count.
            GradientType gradient = GradientType.None;
            if (i < ps.Length && ps[i].RefKind == RefKind.None && SpanElement(ps[i].Type, "Span") is { } gradElement)
            {
                gradient = gradElement.SpecialType == SpecialType.System_Single ? GradientType.Single
                    : PredictionOf(gradElement) == PredictionType.Half ? GradientType.Half : GradientType.None;
                if (gradient == GradientType.None)
                {
                    Mismatch(ps[i], $"the gradient '{ps[i].Name}' must be a Span<float> or Span<Half>");
                }

                parameters.Add(new ParameterSpec(ParameterRole.Gradient, ps[i].Name));
                i++;
            }

            if (i < ps.Length && ps[i].RefKind == RefKind.None && SpanElement(ps[i].Type, "ReadOnlySpan") is { SpecialType: SpecialType.System_Single })
            {
                if (_reduction != ReductionKind.None || gradient == GradientType.None)
                {
                    Mismatch(ps[i], $"'{ps[i].Name}' (a per-row upstream gradient) needs CceReduction.None and a gradient span before it");
                }

                parameters.Add(new ParameterSpec(ParameterRole.Upstream, ps[i].Name));
                i++;
            }

            if (i < ps.Length && ps[i].RefKind == RefKind.Out && ps[i].Type.SpecialType == SpecialType.System_Int32)
            {
                parameters.Add(new ParameterSpec(ParameterRole.Correct, ps[i].Name));
                i++;
            }

            // 7. Nothing else.
            if (i < ps.Length)
            {
                Mismatch(ps[i], $"parameter '{ps[i].Name}' is not part of any kernel form");
            }

            // Return type follows the reduction.
            bool returnsFloat = _method.ReturnType.SpecialType == SpecialType.System_Single;
            bool returnsVoid = _method.ReturnsVoid;
            if (_reduction == ReductionKind.None ? !returnsVoid : !returnsFloat)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WrongReturnType,
                    _method.Locations.Length > 0 ? _method.Locations[0] : _fallbackLocation, _methodName,
                    _reduction.ToString(), _reduction == ReductionKind.None ? "void" : "float"));
            }

            return _diagnostics.Count > errors ? null : new ParsedSignature(predictions, labels, gradient, parameters);
        }

        /// <summary>The parameter list the options call for, for diagnostics.</summary>
        private string Expected()
        {
            var parts = new List<string> { "ReadOnlySpan<float|Half> predictions" };
            if (_classCount == 0)
            {
                parts.Add("int classCount");
            }

            if (_rowStride == 0)
            {
                parts.Add("[int rowStride]");
            }

            parts.Add("ReadOnlySpan<int|long> labels");
            if (_labelShape == LabelShapeKind.Column)
            {
                parts.Add("[int labelStride]");
            }

            if (_reduction == ReductionKind.None)
            {
                parts.Add("Span<float> losses");
            }

            parts.Add("[Span<float|Half> gradient]");
            if (_reduction == ReductionKind.None)
            {
                parts.Add("[ReadOnlySpan<float> upstream]");
            }

            parts.Add("[out int correct]");

            return string.Join(", ", parts);
        }

        private void Mismatch(IParameterSymbol? at, string why) =>
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParameterListMismatch, LocationOf(at), _methodName, why, Expected()));

        private void Report(DiagnosticDescriptor descriptor, IParameterSymbol at, params string[] args) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationOf(at), args));

        /// <summary>
        /// CCE0017 (a warning): parameters are matched by position and type, so a parameter named for another role of
        /// the same type compiles and silently means something else: an <c>int classCount</c> with <c>ClassCount</c> set
        /// becomes the row stride, a <c>gradient</c> span before <c>losses</c> receives the losses. Names are the
        /// user's, so this only warns, and only for the usual names of a role that the same slot type could hold.
        /// </summary>
        public List<DiagnosticInfo> NameWarnings(ParsedSignature parsed)
        {
            var warnings = new List<DiagnosticInfo>();
            ImmutableArray<IParameterSymbol> ps = _method.Parameters;
            for (int k = 0; k < parsed.Parameters.Count && k < ps.Length; k++)
            {
                ParameterSpec p = parsed.Parameters[k];
                if (RoleNamed(p.Name) is not { } named || named == p.Role || Slot(named) != Slot(p.Role))
                {
                    continue;
                }

                string hint = named == ParameterRole.ClassCount && _classCount > 0
                    ? $"ClassCount = {_classCount} is set in the attribute, so the kernel takes no classCount parameter: remove the parameter or the option"
                    : named == ParameterRole.Losses && _reduction != ReductionKind.None
                        ? $"per-row losses need CceReduction.None (with {_reduction} the loss is returned); otherwise rename it"
                        : $"rename it or reorder the parameters; expected ({Expected()})";
                warnings.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParameterNameNamesAnotherRole, LocationOf(ps[k]), p.Name, _methodName,
                    Describe(p.Role), Describe(named), hint));
            }

            return warnings;
        }

        /// <summary>The role a parameter's name usually means (case, '_' and '@' ignored), or null.</summary>
        private static ParameterRole? RoleNamed(string name) =>
            name.Replace("_", string.Empty).Replace("@", string.Empty).ToLowerInvariant() switch
            {
                "classcount" or "numclasses" or "nclasses" or "classes" or "numclass" or "classnum" => ParameterRole.ClassCount,
                "rowstride" or "stride" or "leadingdimension" => ParameterRole.RowStride,
                "labelstride" or "ystride" or "targetstride" => ParameterRole.LabelStride,
                "losses" or "loss" or "rowlosses" or "perrowlosses" => ParameterRole.Losses,
                "gradient" or "gradients" or "grad" or "grads" or "dlogits" or "dpredictions" => ParameterRole.Gradient,
                "upstream" or "upstreamgradient" or "dloss" or "dlosses" => ParameterRole.Upstream,
                _ => null,
            };

        /// <summary>Roles that a slot of one type can hold: the ints, and the writable float spans.</summary>
        private static int Slot(ParameterRole role) => role switch
        {
            ParameterRole.ClassCount or ParameterRole.RowStride or ParameterRole.LabelStride => 1,
            ParameterRole.Losses or ParameterRole.Gradient => 2,
            _ => 100 + (int)role, // a slot of its own
        };

        private static string Describe(ParameterRole role) => role switch
        {
            ParameterRole.ClassCount => "class count",
            ParameterRole.RowStride => "row stride",
            ParameterRole.LabelStride => "label stride",
            ParameterRole.Losses => "per-row losses",
            ParameterRole.Gradient => "gradient",
            ParameterRole.Upstream => "upstream gradient",
            _ => role.ToString(),
        };

        private Location LocationOf(IParameterSymbol? parameter) =>
            parameter is not null && parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource ? parameter.Locations[0] : _fallbackLocation;

        private static ITypeSymbol? SpanElement(ITypeSymbol type, string spanName) =>
            type is INamedTypeSymbol { Arity: 1 } named &&
            named.Name == spanName &&
            named.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true }
                ? named.TypeArguments[0]
                : null;

        private static PredictionType? PredictionOf(ITypeSymbol element) =>
            element.SpecialType == SpecialType.System_Single ? PredictionType.Single
            : element is { Name: "Half", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } ? PredictionType.Half
            : null;
    }
}
