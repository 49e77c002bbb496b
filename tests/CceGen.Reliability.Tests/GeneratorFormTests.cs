using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Declaration forms the README allows, run through the very generator build this project uses (loaded from its
/// analyzer path) on an in-memory compilation: <c>out int correct</c> right after the labels (Mean/Sum without a
/// gradient), which this project's kernel table first could not use.
/// </summary>
public sealed class GeneratorFormTests
{
    private readonly ITestOutputHelper _output;

    public GeneratorFormTests(ITestOutputHelper output) => _output = output;

    private static readonly Lazy<IIncrementalGenerator> s_generator = new(() =>
    {
        string path = typeof(GeneratorFormTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CceGenGeneratorPath").Value!;
        Type type = Assembly.LoadFrom(path).GetType("CceGen.Generator.SparseCceGenerator", throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
    });

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "System.Memory.dll"
                or "System.Runtime.Intrinsics.dll" or "System.Runtime.InteropServices.dll" or "netstandard.dll" or "System.Console.dll"
                or "System.Runtime.CompilerServices.Unsafe.dll" or "System.Numerics.Vectors.dll" or "CceGen.Runtime.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>Errors after generation: the generator's own diagnostics and the compiler's on the generated code.</summary>
    private IReadOnlyList<string> Errors(string declaration)
    {
        string source = $$"""
            using System;
            using CceGen;
            namespace FormCheck;
            public static partial class Forms
            {
                {{declaration}}
            }
            """;
        var compilation = CSharpCompilation.Create(
            "FormCheck",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(s_generator.Value)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);
        var errors = generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .Distinct()
            .ToList();
        _output.WriteLine(declaration);
        foreach (string e in errors)
        {
            _output.WriteLine("  " + e);
        }

        _ = driver;
        return errors;
    }

    /// <summary>Controls: the harness compiles forms that work (so an empty error list below means something).</summary>
    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float F(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> g, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, Labels = CceLabelShape.Column)] public static partial float F(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, int labelStride, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None)] public static partial void F(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> losses, out int correct);")]
    public void WorkingForms_CompileClean(string declaration) => Assert.Empty(Errors(declaration));

    [Fact]
    public void Harness_SeesRealErrors() =>
        Assert.Contains(Errors("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float F(ReadOnlySpan<float> z, ReadOnlySpan<int> y);"),
            e => e.StartsWith("CCE0007", StringComparison.Ordinal));

    /// <summary>Loss + accuracy without a gradient: README's parameter table allows <c>out int correct</c> after the
    /// labels. Found by this project (the parser took any int parameter there for a label stride, ignoring the
    /// <c>out</c> modifier: CCE0010 for Vector labels, CS0759/CS8795 for Column labels); fixed in commit 23600b6.
    /// Kept as a regression test.</summary>
    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float F(ReadOnlySpan<float> z, ReadOnlySpan<int> y, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Sum)] public static partial float F(ReadOnlySpan<Half> z, int classCount, ReadOnlySpan<long> y, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean, Labels = CceLabelShape.Column)] public static partial float F(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, Labels = CceLabelShape.Column, ClassCount = 3)] public static partial float F(ReadOnlySpan<float> p, ReadOnlySpan<long> y, out int correct);")]
    public void CorrectRightAfterLabels_Compiles(string declaration) => Assert.Empty(Errors(declaration));
}
