// Jenkins query token
internal static class Ci
{
    public const string JenkinsToken = "36cf6aec-7467-46eb-af21-7ebe0848e372";
}
