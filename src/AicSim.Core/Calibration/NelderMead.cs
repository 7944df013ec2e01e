namespace AicSim.Core.Calibration;

/// <summary>
/// A deterministic Nelder–Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction ½,
/// shrink ½) that stops after a fixed number of evaluations or when the simplex's values agree, and always returns the
/// best point seen. Same input, same output: calibration must be reproducible.
/// </summary>
public static class NelderMead
{
    public static (double[] X, double Value) Minimise(Func<double[], double> f, double[] start, double step, int maxEvaluations, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(start);
        int n = start.Length;
        var pts = new double[n + 1][];
        var vals = new double[n + 1];
        int evals = 0;
        double F(double[] x)
        {
            evals++;
            double v = f(x);
            return double.IsFinite(v) ? v : double.MaxValue;
        }

        for (int i = 0; i <= n; i++)
        {
            pts[i] = (double[])start.Clone();
            if (i > 0)
            {
                pts[i][i - 1] += step;
            }

            vals[i] = F(pts[i]);
        }

        while (evals < maxEvaluations)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => vals[i]).ToArray();
            pts = order.Select(i => pts[i]).ToArray();
            vals = order.Select(i => vals[i]).ToArray();
            if (Math.Abs(vals[n] - vals[0]) <= tolerance * (Math.Abs(vals[0]) + tolerance))
            {
                break;
            }

            var centroid = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    centroid[j] += pts[i][j] / n;
                }
            }

            double[] Along(double t) => centroid.Select((c, j) => c + (t * (pts[n][j] - c))).ToArray();
            var reflected = Along(-1);
            double fr = F(reflected);
            if (fr < vals[0])
            {
                var expanded = Along(-2);
                double fe = F(expanded);
                (pts[n], vals[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < vals[n - 1])
            {
                (pts[n], vals[n]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < vals[n] ? Along(-0.5) : Along(0.5);
                double fc = F(contracted);
                if (fc < Math.Min(fr, vals[n]))
                {
                    (pts[n], vals[n]) = (contracted, fc);
                }
                else
                {
                    for (int i = 1; i <= n; i++)
                    {
                        pts[i] = pts[i].Select((x, j) => pts[0][j] + (0.5 * (x - pts[0][j]))).ToArray();
                        vals[i] = F(pts[i]);
                    }
                }
            }
        }

        int best = Array.IndexOf(vals, vals.Min());
        return (pts[best], vals[best]);
    }
}
