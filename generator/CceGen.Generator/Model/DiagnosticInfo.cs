using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CceGen.Generator.Model;

/// <summary>
/// A diagnostic as plain data: descriptor id, where (file path and spans, not a <see cref="Location"/>, so it
/// compares by value and does not root a syntax tree) and message arguments.
/// </summary>
internal sealed record DiagnosticInfo(string DescriptorId, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArgs) =>
        new(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(messageArgs));

    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(
            Diagnostics.DiagnosticDescriptors.ById(DescriptorId),
            Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None,
            MessageArgs.Select(static a => (object?)a).ToArray());
}

/// <summary>A source location as file path + spans.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    /// <summary>
    /// A location in the compilation's own syntax tree when it still holds that file, so <c>#pragma warning</c> and
    /// .editorconfig severities apply (the compiler honours them only for source locations); else a file location.
    /// </summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && Span.End <= tree.Length)
            {
                return Microsoft.CodeAnalysis.Location.Create(tree, Span);
            }
        }

        return Microsoft.CodeAnalysis.Location.Create(FilePath, Span, LineSpan);
    }
}
