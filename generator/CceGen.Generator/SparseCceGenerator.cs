using System.Collections.Immutable;
using CceGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace CceGen.Generator;

/// <summary>
/// Emits sparse categorical cross-entropy kernels for methods marked <c>[SparseCceKernel]</c>.
/// </summary>
/// <remarks>
/// Data flows one way: attribute + method symbol -> <see cref="Parser"/> -> equatable <see cref="KernelSpec"/>
/// (or diagnostics) -> <see cref="Emitter"/> -> one file per kernel. Nothing is collected across kernels, so
/// editing one kernel re-emits only that kernel, and edits elsewhere re-run nothing past the parse step.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class SparseCceGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Find [SparseCceKernel] methods by the attribute's metadata name (the compiler's own fast index) and turn each
        //    into plain data: a KernelSpec or diagnostics. No symbol or syntax node leaves this step.
        IncrementalValuesProvider<Result<KernelSpec?>> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.SparseCceKernelAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        // 2. Report the diagnostics branch on its own, so a model that did not change keeps its cached output.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static d => d.Count > 0)
            .WithTrackingName(TrackingNames.Diagnostics);
        //    Reported against the compilation's syntax trees (looked up by path when there is something to report), so
        //    #pragma warning and .editorconfig severities apply to them as to the compiler's own diagnostics.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (spc, pair) =>
        {
            foreach (DiagnosticInfo info in pair.Left)
            {
                spc.ReportDiagnostic(info.ToDiagnostic(pair.Right));
            }
        });

        // 3. Emit one file per valid kernel; the text is cached per KernelSpec.
        IncrementalValuesProvider<GeneratedFile> files = parsed
            .Where(static result => result.Value is not null)
            .Select(static (result, _) => Emitter.Emit(result.Value!))
            .WithTrackingName(TrackingNames.Emit);
        context.RegisterSourceOutput(files, static (spc, file) => spc.AddSource(file.HintName, file.Text));
    }
}

/// <summary>One generated source file.</summary>
internal readonly record struct GeneratedFile(string HintName, string Text);
