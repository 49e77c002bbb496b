namespace CceGen.Generator;

/// <summary>Metadata names the parser matches, like the Regex generator's GeneratedRegex lookup.</summary>
internal static class KnownNames
{
    public const string SparseCceKernelAttribute = "CceGen.SparseCceKernelAttribute";
}
