namespace Shockwave.Codec.Fuzz;

/// <summary>Writes each target's seed corpus into <c>CORPUS/NAME/</c>, replacing the files it owns.</summary>
internal static class Seeder
{
    public static int Write(string corpusRoot, TextWriter output)
    {
        foreach (IFuzzTarget target in FuzzTargets.All)
        {
            string folder = Path.Combine(corpusRoot, target.Name);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            int count = 0;
            foreach (FuzzSeed seed in target.Seeds())
            {
                // Every seed must pass its own harness: a seed that fails is a bug in the seed or in the library.
                target.Run(seed.Input);
                string path = Path.Combine(folder, seed.Name);
                if (File.Exists(path))
                {
                    throw new InvalidOperationException($"Two seeds of '{target.Name}' are named '{seed.Name}'.");
                }

                File.WriteAllBytes(path, seed.Input);
                count++;
            }

            output.WriteLine($"{target.Name}: {count} seeds in {folder}");
        }

        return 0;
    }
}
