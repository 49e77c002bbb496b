using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CceGen.Runtime;

/// <summary>
/// The 16 virtual lanes of the canonical reduction order (see <see cref="CceVector"/>) for the scalar path, so that
/// scalar sums add in exactly the order the vector paths do.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[InlineArray(16)]
public struct CceScalarLanes
{
    private float _lane0;

    /// <summary>16 lanes all set to <paramref name="value"/>.</summary>
    public static CceScalarLanes Create(float value)
    {
        CceScalarLanes lanes = default;
        for (int i = 0; i < 16; i++)
        {
            lanes[i] = value;
        }

        return lanes;
    }

    /// <summary>Folds the lanes by the canonical sum tree.</summary>
    public readonly float Sum()
    {
        float t0 = (this[0] + this[8]) + (this[4] + this[12]);
        float t1 = (this[1] + this[9]) + (this[5] + this[13]);
        float t2 = (this[2] + this[10]) + (this[6] + this[14]);
        float t3 = (this[3] + this[11]) + (this[7] + this[15]);
        return (t0 + t2) + (t1 + t3);
    }

    /// <summary>Maximum of the lanes, folded like <see cref="Sum"/>.</summary>
    public readonly float Max()
    {
        float t0 = MaxNative(MaxNative(this[0], this[8]), MaxNative(this[4], this[12]));
        float t1 = MaxNative(MaxNative(this[1], this[9]), MaxNative(this[5], this[13]));
        float t2 = MaxNative(MaxNative(this[2], this[10]), MaxNative(this[6], this[14]));
        float t3 = MaxNative(MaxNative(this[3], this[11]), MaxNative(this[7], this[15]));
        return MaxNative(MaxNative(t0, t2), MaxNative(t1, t3));
    }

    /// <summary>x86 <c>maxss</c> semantics: <paramref name="a"/> if it is greater, else <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxNative(float a, float b) => a > b ? a : b;
}
