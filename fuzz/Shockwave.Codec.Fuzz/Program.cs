using SharpFuzz;
using Shockwave.Codec.Fuzz;

// Shockwave.Codec.Fuzz <target>                        run under afl-fuzz (SharpFuzz fork server, input on stdin)
// Shockwave.Codec.Fuzz replay <target> <path>...       run files (or every file of folders) without AFL
// Shockwave.Codec.Fuzz seed [corpus-dir]               (re)write every target's seed corpus
// Shockwave.Codec.Fuzz list                            print the target names
return Cli.Run(args);

namespace Shockwave.Codec.Fuzz
{
    internal static class Cli
    {
        public static int Run(string[] args)
        {
            if (args.Length == 0)
            {
                return Usage();
            }

            switch (args[0])
            {
                case "list":
                    foreach (IFuzzTarget target in FuzzTargets.All)
                    {
                        Console.WriteLine(target.Name);
                    }

                    return 0;
                case "replay" when args.Length >= 3:
                    return WithTarget(args[1], target => Replay.Run(target, args.AsSpan(2), Console.Out));
                case "seed":
                    return Seeder.Write(args.Length > 1 ? args[1] : Path.Combine("fuzz", "corpus"), Console.Out);
                default:
                    return args.Length == 1 ? WithTarget(args[0], RunUnderAfl) : Usage();
            }
        }

        private static int RunUnderAfl(IFuzzTarget target)
        {
            // Fuzzer.Run is SharpFuzz's in-process fork server: one .NET process runs every input (persistent mode), so
            // JIT and static initialization are paid once. An exception escaping the action is reported as a crash.
            var buffer = new MemoryStream();
            Fuzzer.Run(stream =>
            {
                buffer.SetLength(0);
                stream.CopyTo(buffer);
                target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            });
            return 0;
        }

        private static int WithTarget(string name, Func<IFuzzTarget, int> action)
        {
            if (!FuzzTargets.TryGet(name, out IFuzzTarget? target))
            {
                Console.Error.WriteLine($"Unknown target '{name}'. Targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
                return 2;
            }

            return action(target);
        }

        private static int Usage()
        {
            Console.Error.WriteLine("usage: Shockwave.Codec.Fuzz <target> | replay <target> <file-or-dir>... | seed [corpus-dir] | list");
            return 2;
        }
    }
}
