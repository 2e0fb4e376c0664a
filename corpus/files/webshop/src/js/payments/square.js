import { SquareClient, SquareEnvironment } from 'square';

export const square = new SquareClient({
  environment: SquareEnvironment.Production,
  token: 'EAAAx0WNOZDyvRKj1HEPsK14wtugrXeHu55QzddG2wlD-b8ZB_-r9NXTKYtSnlAP',
});
