using ScottPlot;

namespace AicSim.Data.Plots;

/// <summary>How every AicSim plot is finished: title, axis labels with units, legend, PNG.</summary>
internal static class PlotFile
{
    public static void Save(Plot plot, string title, string xLabel, string yLabel, string path, int width, int height, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        plot.SavePng(path, width, height);
    }
}
