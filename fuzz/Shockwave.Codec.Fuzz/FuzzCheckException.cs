namespace Shockwave.Codec.Fuzz;

/// <summary>A harness found a wrong answer: an invariant or a differential check failed.</summary>
internal sealed class FuzzCheckException : Exception
{
    public FuzzCheckException()
    {
    }

    public FuzzCheckException(string message)
        : base(message)
    {
    }

    public FuzzCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
