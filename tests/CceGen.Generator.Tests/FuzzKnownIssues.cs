using System;
using System.Collections.Generic;
using System.Linq;

namespace CceGen.Generator.Tests;

/// <summary>A generator bug the fuzzer knows about: mutants whose description contains <see cref="Key"/> may fail with these symptoms only.</summary>
/// <param name="Key">A substring of the mutant description (a mutation description or an oracle tag).</param>
/// <param name="Symptoms">Symptom prefixes this bug explains ("exception", "generated:CS0579", "rejected-valid:CCE0010", ...).</param>
/// <param name="Diagnosis">Where the bug is and how to fix it; remove the entry once fixed (the fuzz test then checks those mutants again).</param>
internal sealed record FuzzKnownIssue(string Key, string[] Symptoms, string Diagnosis);

internal static class FuzzKnownIssues
{
    // Line numbers refer to generator/CceGen.Generator at commit 144f349. Each entry: the key (a mutation description or
    // an oracle tag, see FuzzMutations/FuzzOracle), the only symptoms it may excuse, and the diagnosis. When a bug is
    // fixed, delete its entry: the fuzz test then holds those mutants to the full contract again (the test output lists
    // entries that no longer match any failing mutant).
    public static IReadOnlyList<FuzzKnownIssue> All { get; } = new FuzzKnownIssue[]
    {
        // ---- generator exceptions (CS8785: the whole generator output is dropped, every kernel of the project breaks) ----

        // ---- documented forms rejected or mis-parsed ----------------------------------------------------------------

        // ---- declarations that should be rejected but produce a broken file ------------------------------------------

        // ---- the emitted code repeats what it must not ---------------------------------------------------------------
    };

    /// <summary>The entries that together explain every symptom of a failing mutant, or null when some symptom is unexplained.</summary>
    public static IReadOnlyList<FuzzKnownIssue>? Explain(string description, IReadOnlyList<string> symptoms)
    {
        List<FuzzKnownIssue> matching = All.Where(k => description.Contains(k.Key, StringComparison.Ordinal)).ToList();
        var used = new List<FuzzKnownIssue>();
        foreach (string symptom in symptoms)
        {
            FuzzKnownIssue? issue = matching.FirstOrDefault(k => k.Symptoms.Any(s => symptom.StartsWith(s, StringComparison.Ordinal)));
            if (issue is null)
            {
                return null;
            }

            if (!used.Contains(issue))
            {
                used.Add(issue);
            }
        }

        return used;
    }
}
