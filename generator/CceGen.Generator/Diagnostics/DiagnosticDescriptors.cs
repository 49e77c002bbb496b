using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CceGen.Generator.Diagnostics;

/// <summary>Every diagnostic CceGen reports. IDs are stable and listed in AnalyzerReleases.*.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "CceGen";

    public static readonly DiagnosticDescriptor KernelMustBeStatic = Create(
        "CCE0001", "Kernel method must be static", "Kernel method '{0}' must be static");

    public static readonly DiagnosticDescriptor KernelMustBePartialDefinition = Create(
        "CCE0002", "Kernel method must be a partial declaration without a body",
        "Kernel method '{0}' must be a partial method declaration without a body; CceGen writes the body");

    public static readonly DiagnosticDescriptor KernelMustNotBeGeneric = Create(
        "CCE0003", "Kernel method must not be generic", "Kernel method '{0}' must not be generic");

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = Create(
        "CCE0004", "Containing type must be partial", "Type '{0}' containing kernel method '{1}' must be partial");

    public static readonly DiagnosticDescriptor UnsupportedPredictionType = Create(
        "CCE0005", "Unsupported prediction type",
        "The first parameter of kernel '{0}' must be ReadOnlySpan<float> or ReadOnlySpan<Half>, not '{1}'");

    public static readonly DiagnosticDescriptor UnsupportedLabelType = Create(
        "CCE0006", "Unsupported label type",
        "The labels parameter of kernel '{0}' must be ReadOnlySpan<int> or ReadOnlySpan<long>, not '{1}'");

    public static readonly DiagnosticDescriptor ParameterListMismatch = Create(
        "CCE0007", "Kernel parameters do not match its options",
        "Kernel '{0}' has the wrong parameters: {1}; expected ({2})");

    public static readonly DiagnosticDescriptor WrongReturnType = Create(
        "CCE0008", "Wrong return type for the reduction", "Kernel '{0}' with reduction {1} must return {2}");

    public static readonly DiagnosticDescriptor InvalidOptionValue = Create(
        "CCE0009", "Invalid option value", "Option {0} = {1} of kernel '{2}' is invalid: {3}");

    public static readonly DiagnosticDescriptor ContradictoryOptions = Create(
        "CCE0010", "Contradictory kernel options", "Kernel '{0}': {1}");

    public static readonly DiagnosticDescriptor UnsupportedParameterModifier = Create(
        "CCE0011", "Unsupported parameter modifier",
        "Parameter '{0}' of kernel '{1}' must be passed by value: ref, in, out, scoped, params and this are not supported (the one exception is 'out int correct' as the last parameter)");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Create(
        "CCE0012", "C# 12 or later is required",
        "CceGen needs C# 12 or later for kernel '{0}' (it emits file-local helper types and inline-array lanes); this project uses C# {1}");

    public static readonly DiagnosticDescriptor ContainingTypeIsFileLocal = Create(
        "CCE0014", "Containing type must not be file-local",
        "Type '{0}' containing kernel method '{1}' is file-local; the generated part of a kernel lives in another file, so its types must not be 'file'");

    public static readonly DiagnosticDescriptor AccessibilityRequired = Create(
        "CCE0015", "Kernel method needs an accessibility modifier",
        "Kernel method '{0}' needs an accessibility modifier (public, internal, private, ...): C# requires one on a partial method that returns a value or has out parameters");

    public static readonly DiagnosticDescriptor InternalError = Create(
        "CCE0013", "CceGen could not generate the kernel",
        "CceGen could not generate kernel '{0}' because of an internal error: {1}. Please report it.");

    public static readonly DiagnosticDescriptor ParallelNeedsCSharp13 = Create(
        "CCE0016", "Parallel kernels need C# 13 or later",
        "Kernel '{0}' is declared with Parallel = true, which needs C# 13 or later (its rows are passed to the runtime as a ref struct implementing an interface); this project uses C# {1}");

    public static readonly DiagnosticDescriptor ParameterNameNamesAnotherRole = Create(
        "CCE0017", "A parameter's name names another role",
        "Parameter '{0}' of kernel '{1}' is taken as the {2} (parameters are matched by position and type), but its name says {3}; {4}",
        DiagnosticSeverity.Warning);

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
    {
        [KernelMustBeStatic.Id] = KernelMustBeStatic,
        [KernelMustBePartialDefinition.Id] = KernelMustBePartialDefinition,
        [KernelMustNotBeGeneric.Id] = KernelMustNotBeGeneric,
        [ContainingTypeMustBePartial.Id] = ContainingTypeMustBePartial,
        [UnsupportedPredictionType.Id] = UnsupportedPredictionType,
        [UnsupportedLabelType.Id] = UnsupportedLabelType,
        [ParameterListMismatch.Id] = ParameterListMismatch,
        [WrongReturnType.Id] = WrongReturnType,
        [InvalidOptionValue.Id] = InvalidOptionValue,
        [ContradictoryOptions.Id] = ContradictoryOptions,
        [UnsupportedParameterModifier.Id] = UnsupportedParameterModifier,
        [LanguageVersionTooLow.Id] = LanguageVersionTooLow,
        [InternalError.Id] = InternalError,
        [ContainingTypeIsFileLocal.Id] = ContainingTypeIsFileLocal,
        [AccessibilityRequired.Id] = AccessibilityRequired,
        [ParallelNeedsCSharp13.Id] = ParallelNeedsCSharp13,
        [ParameterNameNamesAnotherRole.Id] = ParameterNameNamesAnotherRole,
    };

    /// <summary>All descriptors, in ID order.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true);
}
