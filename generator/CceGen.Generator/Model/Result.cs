namespace CceGen.Generator.Model;

/// <summary>A parse result: the model (null when nothing is generated) and the diagnostics found on the way.</summary>
internal sealed record Result<T>(T Value, EquatableArray<DiagnosticInfo> Diagnostics);
