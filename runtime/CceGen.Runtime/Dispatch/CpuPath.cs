namespace CceGen.Runtime;

/// <summary>The instruction-set paths every generated kernel has, from the widest down.</summary>
public enum CpuPath
{
    /// <summary>Portable scalar code; always available.</summary>
    Scalar = 0,

    /// <summary>256-bit vectors with AVX2 and FMA.</summary>
    Avx2 = 1,

    /// <summary>512-bit vectors with AVX-512 (F, BW).</summary>
    Avx512 = 2,
}
