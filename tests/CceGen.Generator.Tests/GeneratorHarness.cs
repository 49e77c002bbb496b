using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using CceGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

/// <summary>Runs the generator in-process on source text, the way the compiler does.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(CceGen.SparseCceKernelAttribute).Assembly.Location))
            .ToImmutableArray();

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest) =>
        new(version);

    public static CSharpCompilation Compilation(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.Latest)
    {
        CSharpParseOptions options = ParseOptions(version);
        return CSharpCompilation.Create(
            "Tests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(CSharpCompilation compilation) =>
        CSharpGeneratorDriver.Create(
            new[] { new SparseCceGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated files added.</summary>
    public static Run Generate(params string[] sources) => Generate(LanguageVersion.Latest, sources);

    public static Run Generate(LanguageVersion version, params string[] sources)
    {
        CSharpCompilation compilation = Compilation(sources, version);
        GeneratorDriver driver = Driver(compilation).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new Run(driver.GetRunResult().Results[0], output);
    }

    internal sealed record Run(GeneratorRunResult Result, Compilation Output)
    {
        public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

        public string Source(string hintName) =>
            Result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

        /// <summary>Errors and warnings of the whole compilation after generation (the user's code + ours).</summary>
        public IEnumerable<Diagnostic> OutputProblems =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }
}
