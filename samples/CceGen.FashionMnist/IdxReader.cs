using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace CceGen.FashionMnist;

/// <summary>A problem with an input data file. Reported as one line on stderr, exit code 2, no stack trace.</summary>
internal sealed class DataFileException : Exception
{
    public DataFileException(string file, string problem)
        : base(problem)
    {
        File = file;
    }

    /// <summary>The file (or embedded resource) the problem is about, as shown to the user.</summary>
    public string File { get; }
}

/// <summary>Where an IDX file comes from: a path on disk or a resource embedded in this assembly.</summary>
internal sealed class IdxSource
{
    private readonly string? path;
    private readonly string? resourceName;

    private IdxSource(string displayName, string? path, string? resourceName)
    {
        DisplayName = displayName;
        this.path = path;
        this.resourceName = resourceName;
    }

    public string DisplayName { get; }

    public static IdxSource FromFile(string path) => new(path, path, null);

    public static IdxSource FromEmbedded(string fileName) =>
        new($"embedded:data/{fileName}", null, "FashionMnist." + fileName);

    /// <summary>
    /// Finds NAME.gz or NAME (uncompressed) in <paramref name="directory"/>; the gzipped one wins if both exist.
    /// </summary>
    public static IdxSource FindInDirectory(string directory, string gzFileName)
    {
        string gz = Path.Combine(directory, gzFileName);
        string plain = Path.Combine(directory, gzFileName.EndsWith(".gz", StringComparison.Ordinal)
            ? gzFileName[..^3]
            : gzFileName);
        if (System.IO.File.Exists(gz))
        {
            return FromFile(gz);
        }
        if (System.IO.File.Exists(plain))
        {
            return FromFile(plain);
        }
        throw new DataFileException(gz, $"file not found (also looked for {plain})");
    }

    /// <summary>Opens the raw bytes; gzip is detected by its magic bytes (1f 8b), not by the file name.</summary>
    public Stream Open()
    {
        Stream raw;
        if (resourceName is not null)
        {
            raw = typeof(IdxSource).Assembly.GetManifestResourceStream(resourceName)
                ?? throw new DataFileException(DisplayName, "embedded resource is missing from the assembly (build problem)");
        }
        else
        {
            if (!System.IO.File.Exists(path))
            {
                throw new DataFileException(DisplayName, "file not found");
            }
            raw = new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }

        var buffered = new BufferedStream(raw, 1 << 16);
        int b0 = buffered.ReadByte();
        int b1 = buffered.ReadByte();
        buffered.Seek(0, SeekOrigin.Begin);
        if (b0 == 0x1f && b1 == 0x8b)
        {
            return new GZipStream(buffered, CompressionMode.Decompress, leaveOpen: false);
        }
        return buffered;
    }
}

/// <summary>
/// Reader for the IDX format used by (Fashion-)MNIST: big-endian magic 0x00000803 (unsigned-byte, 3 dimensions)
/// for images and 0x00000801 (unsigned-byte, 1 dimension) for labels, then the dimension sizes, then the bytes.
/// </summary>
internal static class IdxReader
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;
    public const int Rows = 28;
    public const int Cols = 28;
    public const int Pixels = Rows * Cols;
    public const int Classes = 10;

    // Far above Fashion-MNIST's 60,000; only there to refuse absurd headers before allocating.
    private const int MaxItems = 10_000_000;

    /// <summary>Reads an IDX3 image file; returns count * 784 bytes.</summary>
    public static byte[] ReadImages(IdxSource source, out int count)
    {
        byte[] images = Guard(source, () => ReadImagesCore(source));
        count = images.Length / Pixels;
        return images;
    }

    /// <summary>Reads an IDX1 label file; every label must be in 0..9.</summary>
    public static int[] ReadLabels(IdxSource source, out int count)
    {
        int[] labels = Guard(source, () => ReadLabelsCore(source));
        count = labels.Length;
        return labels;
    }

    private static byte[] ReadImagesCore(IdxSource source)
    {
        using Stream stream = source.Open();
        Span<byte> header = stackalloc byte[16];
        int got = ReadFully(stream, header);
        if (got < 16)
        {
            throw new DataFileException(source.DisplayName, $"truncated: the IDX image header needs 16 bytes, the file has {got}");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImageMagic)
        {
            string hint = magic == LabelMagic ? " (this is a label file)" : "";
            throw new DataFileException(source.DisplayName,
                $"wrong magic number 0x{magic:X8}, expected 0x{ImageMagic:X8} for an IDX image file{hint}");
        }
        uint n = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        uint rows = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        uint cols = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
        if (rows != Rows || cols != Cols)
        {
            throw new DataFileException(source.DisplayName, $"images are {rows}x{cols}, expected {Rows}x{Cols}");
        }
        if (n == 0 || n > MaxItems)
        {
            throw new DataFileException(source.DisplayName, $"header declares {n} images, expected 1..{MaxItems}");
        }
        int count = (int)n;
        long expected = (long)count * Pixels;
        return ReadPayload(stream, source.DisplayName, expected, $"{count} images of {Rows}x{Cols}");
    }

    private static int[] ReadLabelsCore(IdxSource source)
    {
        using Stream stream = source.Open();
        Span<byte> header = stackalloc byte[8];
        int got = ReadFully(stream, header);
        if (got < 8)
        {
            throw new DataFileException(source.DisplayName, $"truncated: the IDX label header needs 8 bytes, the file has {got}");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != LabelMagic)
        {
            string hint = magic == ImageMagic ? " (this is an image file)" : "";
            throw new DataFileException(source.DisplayName,
                $"wrong magic number 0x{magic:X8}, expected 0x{LabelMagic:X8} for an IDX label file{hint}");
        }
        uint n = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (n == 0 || n > MaxItems)
        {
            throw new DataFileException(source.DisplayName, $"header declares {n} labels, expected 1..{MaxItems}");
        }
        int count = (int)n;
        byte[] raw = ReadPayload(stream, source.DisplayName, count, $"{count} labels");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (raw[i] >= Classes)
            {
                throw new DataFileException(source.DisplayName, $"label {raw[i]} at index {i} is out of range 0..{Classes - 1}");
            }
            labels[i] = raw[i];
        }
        return labels;
    }

    // Runs a reader and turns I/O and gzip failures into DataFileException naming the file.
    private static T Guard<T>(IdxSource source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DataFileException)
        {
            throw;
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(source.DisplayName, $"corrupt gzip data ({e.Message.TrimEnd('.')})");
        }
        catch (EndOfStreamException)
        {
            throw new DataFileException(source.DisplayName, "truncated gzip data (unexpected end of stream)");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFileException(source.DisplayName, $"cannot open: {e.Message}");
        }
        catch (IOException e)
        {
            throw new DataFileException(source.DisplayName, $"cannot read: {e.Message}");
        }
    }

    private static byte[] ReadPayload(Stream stream, string name, long expected, string what)
    {
        // Grow as data arrives, so a lying header on a short file does not allocate its claimed size up front.
        byte[] buffer = new byte[(int)Math.Min(expected, 1 << 22)];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(expected, (long)buffer.Length * 2));
            }
            int n = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (n == 0)
            {
                break;
            }
            filled += n;
        }
        if (filled < expected)
        {
            string unit = stream is GZipStream ? "decompressed bytes" : "bytes";
            throw new DataFileException(name, $"truncated: the header declares {what} ({expected:N0} data bytes) but only {filled:N0} {unit} follow");
        }
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw new DataFileException(name, $"unexpected extra bytes after the {what} the header declares");
        }
        return buffer;
    }

    private static int ReadFully(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = stream.Read(destination[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
