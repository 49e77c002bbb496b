using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Generator.Tests;

/// <summary>
/// Deterministic mutation fuzzing of kernel declarations (seed <see cref="Seed"/>). Every mutant must satisfy:
/// the generator does not throw and never reports CCE0013; generated files compile with no error and no warning; no
/// diagnostic appears in the user's files that the user's code alone (minus CS8795) did not have; and, when the user's
/// C# compiles on its own, the generator accepts exactly the README's declaration forms (FuzzOracle) and emits one
/// file per valid kernel. Failures explained by <see cref="FuzzKnownIssues"/> are reported but do not fail the test.
/// </summary>
public class FuzzTests
{
    private const int Seed = 0x5CCE;
    private const int MutantCount = 1100;

    /// <summary>Every Nth mutant is also judged by compiling the real output compilation (see FuzzEngine.Split).</summary>
    private const int CrossCheckEvery = 20;

    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void SeedsAreValidAndGenerateCleanly()
    {
        foreach (FuzzDecl seed in FuzzSeeds.All)
        {
            FuzzVerdict verdict = FuzzOracle.Judge(seed);
            Assert.True(verdict.Valid && verdict.MinFiles == 1, seed.Seed);
            GeneratorHarness.Run run = GeneratorHarness.Generate(seed.Render());
            Assert.Null(run.Result.Exception);
            Assert.True(run.GeneratorDiagnostics.IsEmpty, seed.Seed + ": " + string.Join("; ", run.GeneratorDiagnostics));
            Assert.Single(run.Result.GeneratedSources);
            Assert.True(!run.OutputProblems.Any(), seed.Seed + ": " + string.Join("; ", run.OutputProblems));
        }
    }

    [Fact]
    public void MutatedDeclarationsNeverBreakTheBuild()
    {
        var clock = Stopwatch.StartNew();
        List<FuzzDecl> mutants = FuzzEngine.Mutants(MutantCount, Seed);
        int distinctSources = mutants.Select(m => m.Render()).Distinct(StringComparer.Ordinal).Count();
        TimeSpan buildTime = clock.Elapsed;

        var outcomes = new FuzzOutcome[mutants.Count];
        Parallel.For(0, mutants.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => outcomes[i] = FuzzEngine.Evaluate(mutants[i], crossCheck: i % CrossCheckEvery == 0));

        var categories = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var knownHits = FuzzKnownIssues.All.ToDictionary(k => k, _ => 0);
        var escapes = new List<FuzzOutcome>();
        foreach (FuzzOutcome o in outcomes)
        {
            string category = o.Category;
            if (o.Symptoms.Count > 0)
            {
                IReadOnlyList<FuzzKnownIssue>? known = FuzzKnownIssues.Explain(o.Mutant.Description, o.Symptoms);
                if (known is null)
                {
                    escapes.Add(o);
                    category = "ESCAPE (unexplained failure)";
                }
                else
                {
                    category = "known generator issue (excluded, see FuzzKnownIssues)";
                    foreach (FuzzKnownIssue k in known)
                    {
                        knownHits[k]++;
                    }
                }
            }

            categories[category] = categories.TryGetValue(category, out int n) ? n + 1 : 1;
        }

        _output.WriteLine($"seed 0x{Seed:X}: {mutants.Count} mutants ({distinctSources} distinct source texts, {FuzzSeeds.All.Count} of them the unmutated seeds); built in {buildTime.TotalSeconds:F1} s, judged in {(clock.Elapsed - buildTime).TotalSeconds:F1} s");
        var operatorUse = FuzzMutations.All.ToDictionary(m => m.Name, m => mutants.Count(x => x.Operators.Contains(m.Name)));
        _output.WriteLine($"mutation operators: {operatorUse.Count(o => o.Value > 0)}/{operatorUse.Count} used; least used: " +
                          string.Join(", ", operatorUse.OrderBy(o => o.Value).Take(5).Select(o => $"{o.Key} ({o.Value})")));
        foreach (KeyValuePair<string, int> c in categories)
        {
            _output.WriteLine($"  {c.Value,5}  {c.Key}");
        }

        _output.WriteLine("known issues (mutants excluded):");
        foreach (KeyValuePair<FuzzKnownIssue, int> k in knownHits)
        {
            _output.WriteLine($"  {k.Value,5}  {k.Key.Key}{(k.Value == 0 ? "   <- no longer reproduced by this run: remove the entry if the bug is fixed" : string.Empty)}");
        }

        var symptomCounts = escapes.SelectMany(e => e.Symptoms.Distinct()).GroupBy(s => s).OrderByDescending(g => g.Count());
        foreach (IGrouping<string, string> g in symptomCounts)
        {
            _output.WriteLine($"  escape symptom {g.Key}: {g.Count()}");
        }

        foreach (FuzzOutcome e in escapes.Take(40))
        {
            _output.WriteLine("---- ESCAPE: " + e.Mutant.Description);
            _output.WriteLine("symptoms: " + string.Join(", ", e.Symptoms));
            _output.WriteLine(e.Details);
            _output.WriteLine(e.Source);
        }

        // CCEGEN_FUZZ_REPORT=path writes every failing mutant (known or not) with its source, for triage.
        if (Environment.GetEnvironmentVariable("CCEGEN_FUZZ_REPORT") is { Length: > 0 } reportPath)
        {
            System.IO.File.WriteAllLines(reportPath, outcomes.Where(o => o.Symptoms.Count > 0).SelectMany(o => new[]
            {
                "==== " + (escapes.Contains(o) ? "ESCAPE" : "KNOWN") + " | " + string.Join(", ", o.Symptoms.Distinct()) + " | " + o.Mutant.Description,
                o.Details,
                o.Source,
            }));
        }

        Assert.True(distinctSources >= 1000, $"only {distinctSources} distinct mutants");
        Assert.True(escapes.Count == 0, $"{escapes.Count} mutants broke the generator contract; first: {escapes.FirstOrDefault()?.Mutant.Description} -> {string.Join(", ", escapes.FirstOrDefault()?.Symptoms ?? Array.Empty<string>())}");
    }
}
