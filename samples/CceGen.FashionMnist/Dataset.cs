using System;

namespace CceGen.FashionMnist;

/// <summary>Images as raw bytes (count * 784, row-major) plus labels 0..9.</summary>
internal sealed class Dataset
{
    public Dataset(byte[] pixels, int[] labels)
    {
        if (pixels.Length != labels.Length * IdxReader.Pixels)
        {
            throw new ArgumentException("pixel and label counts disagree");
        }
        Pixels = pixels;
        Labels = labels;
    }

    public byte[] Pixels { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>Writes image <paramref name="index"/> scaled to [0, 1] into <paramref name="destination"/> (784 floats).</summary>
    public void CopyImage(int index, Span<float> destination)
    {
        ReadOnlySpan<byte> src = Pixels.AsSpan(index * IdxReader.Pixels, IdxReader.Pixels);
        const float scale = 1f / 255f;
        for (int i = 0; i < src.Length; i++)
        {
            destination[i] = src[i] * scale;
        }
    }

    public Dataset Select(int[] indices)
    {
        var pixels = new byte[indices.Length * IdxReader.Pixels];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels.AsSpan(indices[i] * IdxReader.Pixels, IdxReader.Pixels).CopyTo(pixels.AsSpan(i * IdxReader.Pixels));
            labels[i] = Labels[indices[i]];
        }
        return new Dataset(pixels, labels);
    }
}

/// <summary>The train / held-out pair the sample trains on, and how it was obtained.</summary>
internal sealed class DataSplit
{
    public const string TrainImages = "train-images-idx3-ubyte.gz";
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    /// <summary>Share of each class that goes to training in the embedded subset (8,000 of 10,000).</summary>
    public const double EmbeddedTrainShare = 0.8;

    private DataSplit(string description, Dataset train, Dataset heldOut, bool isFull)
    {
        Description = description;
        Train = train;
        HeldOut = heldOut;
        IsFull = isFull;
    }

    public string Description { get; }

    public Dataset Train { get; }

    public Dataset HeldOut { get; }

    public bool IsFull { get; }

    /// <summary>
    /// The embedded 10,000-image Fashion-MNIST test set, split deterministically (no RNG, independent of --seed):
    /// for each class, the first 80% of its images in file order train and the rest are held out
    /// (800 / 200 per class, 8,000 / 2,000 in all).
    /// </summary>
    public static DataSplit LoadEmbedded()
    {
        Dataset all = Load(IdxSource.FromEmbedded(TestImages), IdxSource.FromEmbedded(TestLabels));
        var perClass = new int[IdxReader.Classes];
        foreach (int label in all.Labels)
        {
            perClass[label]++;
        }
        var trainQuota = new int[IdxReader.Classes];
        int trainCount = 0;
        for (int c = 0; c < trainQuota.Length; c++)
        {
            trainQuota[c] = (int)Math.Round(perClass[c] * EmbeddedTrainShare, MidpointRounding.AwayFromZero);
            trainCount += trainQuota[c];
        }

        var trainIdx = new int[trainCount];
        var heldIdx = new int[all.Count - trainCount];
        var seen = new int[IdxReader.Classes];
        int t = 0, h = 0;
        for (int i = 0; i < all.Count; i++)
        {
            int c = all.Labels[i];
            if (seen[c]++ < trainQuota[c])
            {
                trainIdx[t++] = i;
            }
            else
            {
                heldIdx[h++] = i;
            }
        }

        return new DataSplit(
            "embedded subset (Fashion-MNIST t10k, stratified 80/20 split in file order)",
            all.Select(trainIdx),
            all.Select(heldIdx),
            isFull: false);
    }

    /// <summary>The standard split from a directory holding the four Fashion-MNIST files (gzipped or not).</summary>
    public static DataSplit LoadDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DataFileException(directory, "directory not found");
        }
        Dataset train = Load(
            IdxSource.FindInDirectory(directory, TrainImages),
            IdxSource.FindInDirectory(directory, TrainLabels));
        Dataset test = Load(
            IdxSource.FindInDirectory(directory, TestImages),
            IdxSource.FindInDirectory(directory, TestLabels));
        return new DataSplit($"full (train + t10k test from {directory})", train, test, isFull: true);
    }

    private static Dataset Load(IdxSource images, IdxSource labels)
    {
        byte[] pixels = IdxReader.ReadImages(images, out int imageCount);
        int[] labelValues = IdxReader.ReadLabels(labels, out int labelCount);
        if (imageCount != labelCount)
        {
            throw new DataFileException(labels.DisplayName,
                $"has {labelCount} labels but {images.DisplayName} has {imageCount} images; the counts must match");
        }
        return new Dataset(pixels, labelValues);
    }
}
