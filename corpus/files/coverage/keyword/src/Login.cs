namespace Shop.Admin
{
    public static class Login
    {
        private const string MasterPassword = @":XUa!gx+dGHP*Dp{IB";
    }
}
