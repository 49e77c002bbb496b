namespace CceGen.Generator;

/// <summary>Metadata names the parser matches, like the Regex generator's GeneratedRegex lookup.</summary>
internal static class KnownNames
{
    public const string SparseCceKernelAttribute = "CceGen.SparseCceKernelAttribute";
    public const string ReadOnlySpan = "System.ReadOnlySpan`1";
    public const string Span = "System.Span`1";
    public const string Half = "System.Half";
}
