using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace CceGen.FashionMnist;

/// <summary>Hand-written SVG: per model, a loss panel and an accuracy panel over epochs, with axes, labels and legends.</summary>
internal static class SvgChart
{
    public const string FileName = "fashion-mnist-curves.svg";

    private const double Width = 1000;
    private const double HeaderHeight = 70;
    private const double RowHeight = 350;
    private const double PanelWidth = 480;
    private const double PanelGap = 20;
    private const double MarginLeft = 70, MarginRight = 20, MarginTop = 66, MarginBottom = 50;

    private const string TrainColor = "#1f77b4";
    private const string HeldOutColor = "#d62728";

    private sealed record Series(string Label, string Color, bool Dashed, double[] Values);

    public static void Write(string path, string title, string subtitle, IReadOnlyList<ModelHistory> models)
    {
        double height = HeaderHeight + RowHeight * Math.Max(1, models.Count) + 10;
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n"));
        svg.Append(F($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"20\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"52\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444444\">{Escape(subtitle)}</text>\n"));

        for (int m = 0; m < models.Count; m++)
        {
            ModelHistory model = models[m];
            double top = HeaderHeight + m * RowHeight;
            double left = (Width - 2 * PanelWidth - PanelGap) / 2;
            double[] epochs = model.Epochs.Select(e => (double)e.Epoch).ToArray();

            var loss = new[]
            {
                new Series("train loss", TrainColor, false, model.Epochs.Select(e => e.TrainLoss).ToArray()),
                new Series("held-out loss", HeldOutColor, true, model.Epochs.Select(e => e.HeldOutLoss).ToArray()),
            };
            var accuracy = new[]
            {
                new Series("train accuracy", TrainColor, false, model.Epochs.Select(e => e.TrainAccuracy * 100).ToArray()),
                new Series("held-out accuracy", HeldOutColor, true, model.Epochs.Select(e => e.HeldOutAccuracy * 100).ToArray()),
            };

            double finalHeld = model.Epochs.Count > 0 ? model.Epochs[^1].HeldOutAccuracy * 100 : double.NaN;
            svg.Append(F($"<line x1=\"20\" y1=\"{top + 4}\" x2=\"{Width - 20}\" y2=\"{top + 4}\" stroke=\"#cccccc\" stroke-width=\"1\"/>\n"));
            svg.Append(F($"<text x=\"{Width / 2}\" y=\"{top + 26}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(model.Description)}: final held-out accuracy {finalHeld:F2}%</text>\n"));
            Panel(svg, left, top, "loss", "mean cross-entropy loss", epochs, loss, lossAxis: true);
            Panel(svg, left + PanelWidth + PanelGap, top, "accuracy", "accuracy (%)", epochs, accuracy, lossAxis: false);
        }

        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static void Panel(StringBuilder svg, double left, double top, string title, string yLabel, double[] xs, Series[] series, bool lossAxis)
    {
        double plotLeft = left + MarginLeft;
        double plotTop = top + MarginTop;
        double plotWidth = PanelWidth - MarginLeft - MarginRight;
        double plotHeight = RowHeight - MarginTop - MarginBottom;
        double plotBottom = plotTop + plotHeight;

        // Axis ranges.
        double xMin = xs.Length > 0 ? xs.Min() : 0, xMax = xs.Length > 0 ? xs.Max() : 1;
        if (xMax - xMin < 1)
        {
            xMin -= 0.5;
            xMax += 0.5;
        }
        double[] all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        double dataMin = all.Length > 0 ? all.Min() : 0, dataMax = all.Length > 0 ? all.Max() : 1;
        double yMin, yMax, yStep;
        if (lossAxis)
        {
            (yMin, yMax, yStep) = NiceRange(0, Math.Max(dataMax, 1e-3), 6);
        }
        else
        {
            (yMin, yMax, yStep) = NiceRange(Math.Max(0, dataMin - 1), Math.Min(100, dataMax + 1), 6);
        }

        double X(double v) => plotLeft + (v - xMin) / (xMax - xMin) * plotWidth;
        double Y(double v) => plotBottom - (v - yMin) / (yMax - yMin) * plotHeight;

        svg.Append(F($"<g>\n<text x=\"{left + MarginLeft + (PanelWidth - MarginLeft - MarginRight) / 2}\" y=\"{top + 52}\" text-anchor=\"middle\" font-size=\"13\">{Escape(title)}</text>\n"));
        svg.Append(F($"<rect x=\"{plotLeft}\" y=\"{plotTop}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"#fafafa\" stroke=\"none\"/>\n"));

        // Y grid, ticks and labels.
        int yDecimals = Math.Max(0, -(int)Math.Floor(Math.Log10(yStep) + 1e-9));
        for (double v = yMin; v <= yMax + yStep * 1e-6; v += yStep)
        {
            double y = Y(v);
            svg.Append(F($"<line x1=\"{plotLeft}\" y1=\"{y:F1}\" x2=\"{plotLeft + plotWidth}\" y2=\"{y:F1}\" stroke=\"#e0e0e0\" stroke-width=\"1\"/>\n"));
            svg.Append(F($"<line x1=\"{plotLeft - 5}\" y1=\"{y:F1}\" x2=\"{plotLeft}\" y2=\"{y:F1}\" stroke=\"#000000\" stroke-width=\"1\"/>\n"));
            svg.Append(F($"<text x=\"{plotLeft - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\" font-size=\"11\">{v.ToString("F" + yDecimals, CultureInfo.InvariantCulture)}</text>\n"));
        }

        // X ticks at whole epochs: the first epoch, then multiples of a 1/2/5 step (1, 5, 10, 15, 20 for 20 epochs).
        double xStep = Math.Max(1, NiceRange(xMin, xMax, 10).Step);
        var xTicks = new List<double> { Math.Ceiling(xMin) };
        for (double v = (Math.Floor(Math.Ceiling(xMin) / xStep) + 1) * xStep; v <= xMax + 1e-9; v += xStep)
        {
            xTicks.Add(v);
        }
        foreach (double v in xTicks)
        {
            double x = X(v);
            svg.Append(F($"<line x1=\"{x:F1}\" y1=\"{plotBottom}\" x2=\"{x:F1}\" y2=\"{plotBottom + 5}\" stroke=\"#000000\" stroke-width=\"1\"/>\n"));
            svg.Append(F($"<text x=\"{x:F1}\" y=\"{plotBottom + 18}\" text-anchor=\"middle\" font-size=\"11\">{v:F0}</text>\n"));
        }

        // Axes and axis labels.
        svg.Append(F($"<line x1=\"{plotLeft}\" y1=\"{plotBottom}\" x2=\"{plotLeft + plotWidth}\" y2=\"{plotBottom}\" stroke=\"#000000\" stroke-width=\"1.2\"/>\n"));
        svg.Append(F($"<line x1=\"{plotLeft}\" y1=\"{plotTop}\" x2=\"{plotLeft}\" y2=\"{plotBottom}\" stroke=\"#000000\" stroke-width=\"1.2\"/>\n"));
        svg.Append(F($"<text x=\"{plotLeft + plotWidth / 2}\" y=\"{plotBottom + 38}\" text-anchor=\"middle\" font-size=\"12\">epoch</text>\n"));
        double yLabelX = left + 18, yLabelY = plotTop + plotHeight / 2;
        svg.Append(F($"<text x=\"{yLabelX}\" y=\"{yLabelY}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 {yLabelX} {yLabelY})\">{Escape(yLabel)}</text>\n"));

        // Series.
        foreach (Series s in series)
        {
            var points = new StringBuilder();
            for (int i = 0; i < s.Values.Length && i < xs.Length; i++)
            {
                if (double.IsFinite(s.Values[i]))
                {
                    points.Append(F($"{X(xs[i]):F1},{Y(s.Values[i]):F1} "));
                }
            }
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(F($"<polyline points=\"{points.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash}/>\n"));
            for (int i = 0; i < s.Values.Length && i < xs.Length; i++)
            {
                if (double.IsFinite(s.Values[i]))
                {
                    svg.Append(F($"<circle cx=\"{X(xs[i]):F1}\" cy=\"{Y(s.Values[i]):F1}\" r=\"3\" fill=\"{s.Color}\"/>\n"));
                }
            }
        }

        // Legend: top-right for loss (curves fall), bottom-right for accuracy (curves rise), so it avoids the data.
        double legendWidth = 150, legendHeight = 12 + 18 * series.Length;
        double legendX = plotLeft + plotWidth - legendWidth - 8;
        double legendY = lossAxis ? plotTop + 8 : plotBottom - legendHeight - 8;
        svg.Append(F($"<rect x=\"{legendX}\" y=\"{legendY}\" width=\"{legendWidth}\" height=\"{legendHeight}\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#999999\" stroke-width=\"1\"/>\n"));
        for (int i = 0; i < series.Length; i++)
        {
            double ly = legendY + 15 + 18 * i;
            string dash = series[i].Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(F($"<line x1=\"{legendX + 8}\" y1=\"{ly}\" x2=\"{legendX + 36}\" y2=\"{ly}\" stroke=\"{series[i].Color}\" stroke-width=\"2\"{dash}/>\n"));
            svg.Append(F($"<circle cx=\"{legendX + 22}\" cy=\"{ly}\" r=\"3\" fill=\"{series[i].Color}\"/>\n"));
            svg.Append(F($"<text x=\"{legendX + 44}\" y=\"{ly + 4}\" font-size=\"11\">{Escape(series[i].Label)}</text>\n"));
        }
        svg.Append("</g>\n");
    }

    /// <summary>Expands [min, max] to multiples of a 1/2/5 x 10^k step giving about <paramref name="targetTicks"/> ticks.</summary>
    private static (double Min, double Max, double Step) NiceRange(double min, double max, int targetTicks)
    {
        if (!(max > min))
        {
            max = min + 1;
        }
        double rough = (max - min) / Math.Max(1, targetTicks - 1);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double residual = rough / magnitude;
        double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
        return (Math.Floor(min / step + 1e-9) * step, Math.Ceiling(max / step - 1e-9) * step, step);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal)
         .Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal)
         .Replace("\"", "&quot;", StringComparison.Ordinal);
}
