// vectors.cjs prints, as JSON on stdout, test vectors made by the reference
// implementation of VNPay 2.1.0 (npm vnpay 2.5.0, pinned in package.json):
// signed query strings, payment URLs, IPN queries and querydr hashes. The Go
// tests read the committed output (vectors.json) so that they need no Node.
//
// Regenerate with:  npm ci && node vectors.cjs > vectors.json
'use strict';

const http = require('node:http');
const { VNPay } = require('vnpay');
const { buildPaymentUrlSearchParams, calculateSecureHash, hash } = require('vnpay/utils');

const secret = 'MOTCUATESTSECRETKEY0123456789ABC';
const tmnCode = 'MOTCUA01';
const host = 'https://sandbox.vnpayment.vn';

function sign(params, key) {
  const query = buildPaymentUrlSearchParams(params).toString();
  return { query, hash: calculateSecureHash({ secureSecret: key, data: query, hashAlgorithm: 'SHA512', bufferEncode: 'utf-8' }) };
}

// 1. Signing arbitrary parameters: the escaper's hard cases.
const signCases = [
  { vnp_Amount: '1000000', vnp_TxnRef: 'ABC123', vnp_OrderInfo: 'Thanh toan le phi' },
  { vnp_OrderInfo: 'Nộp lệ phí đăng ký kết hôn', vnp_TxnRef: 'vi-1' },
  { vnp_OrderInfo: 'a~b*c&d=e+f/g%h?i#j', vnp_ReturnUrl: 'https://motcua.example/thanh-toan/vnpay/ket-qua?x=1&y=~z*', vnp_TxnRef: 't' },
  { vnp_OrderInfo: "  spaces  and\ttab, (parens) 'quote' \"dq\" !$,;:@[]{}|\\^`<>", vnp_TxnRef: 'p' },
  { vnp_OrderInfo: 'emoji 🙂 and Ω ĐƯỜNG', vnp_BankCode: '', vnp_TxnRef: 'e', vnp_Locale: 'vn' },
  { vnp_Zeta: 'z', vnp_Alpha: 'a', vnp_alpha: 'lower', vnp_Amount: '5', vnp_TxnRef: 'sort' },
].map((params) => ({ params, ...sign(params, secret) }));

// 2. Payment URLs built by the library's own buildPaymentUrl. orderInfo is
// what motcua is asked to send; the library gets it already reduced to
// unaccented letters, digits and spaces (motcua's rule, not the library's).
const vnpay = new VNPay({ tmnCode, secureSecret: secret, vnpayHost: host, queryDrAndRefundHost: host, hashAlgorithm: 'SHA512' });
const payInputs = [
  { vnp_Amount: 50000, vnp_TxnRef: 'G01-000123-1', vnp_OrderInfo: 'Nop phi ho so G01 000123', vnp_IpAddr: '203.0.113.7', vnp_ReturnUrl: 'https://motcua.example/thanh-toan/vnpay/ket-qua', vnp_Locale: 'vn', vnp_CreateDate: 20261205143000, vnp_ExpireDate: 20261205144500 },
  { vnp_Amount: 1234567, vnp_TxnRef: 'X~1*2', vnp_OrderInfo: 'Le phi cap ban sao 3 trang', vnp_IpAddr: '2001:db8::1', vnp_ReturnUrl: 'http://127.0.0.1:8080/thanh-toan/vnpay/ket-qua?lang=en&a=~b*c', vnp_Locale: 'en', vnp_BankCode: 'NCB', vnp_CreateDate: 20261231235959, vnp_ExpireDate: 20270101001459 },
  { vnp_Amount: 1, vnp_TxnRef: 'min', vnp_OrderInfo: 'Thanh toan', vnp_IpAddr: '127.0.0.1', vnp_ReturnUrl: 'https://a.example/r', vnp_Locale: 'vn', vnp_BankCode: 'VNPAYQR', vnp_CreateDate: 20260101000000, vnp_ExpireDate: 20260101001500 },
];
const orderInfo = ['Nộp phí hồ sơ G01.000123', 'Lệ phí cấp bản sao (3 trang)', 'Thanh toán'];
const payURL = payInputs.map((input, i) => ({ orderInfo: orderInfo[i], input, url: vnpay.buildPaymentUrl(input) }));

// 3. IPN and return queries as VNPay sends them, checked by the library.
const ipnParams = [
  { vnp_Amount: '5000000', vnp_BankCode: 'NCB', vnp_BankTranNo: 'VNP14422574', vnp_CardType: 'ATM', vnp_OrderInfo: 'Nop phi ho so G01 000123', vnp_PayDate: '20261205143512', vnp_ResponseCode: '00', vnp_TmnCode: tmnCode, vnp_TransactionNo: '14422574', vnp_TransactionStatus: '00', vnp_TxnRef: 'G01-000123-1' },
  { vnp_Amount: '5000000', vnp_BankCode: 'VNPAY', vnp_BankTranNo: '', vnp_CardType: 'QRCODE', vnp_OrderInfo: 'Thanh toan ~ * & phi', vnp_PayDate: '20261205143512', vnp_ResponseCode: '24', vnp_TmnCode: tmnCode, vnp_TransactionNo: '0', vnp_TransactionStatus: '02', vnp_TxnRef: 'G01-000123-2' },
];
const ipn = [];
for (const params of ipnParams) {
  const s = sign(params, secret);
  const query = `${s.query}&vnp_SecureHashType=HmacSHA512&vnp_SecureHash=${s.hash}`;
  const parsed = Object.fromEntries(new URLSearchParams(query));
  ipn.push({ query, verified: vnpay.verifyIpnCall(parsed).isVerified });
  const upper = `${s.query}&vnp_SecureHash=${s.hash.toUpperCase()}`;
  ipn.push({ query: upper, verified: true, note: 'upper-case hash: the library compares case-sensitively, VNPay and we do not' });
  const tampered = query.replace('vnp_Amount=5000000', 'vnp_Amount=5000100');
  ipn.push({ query: tampered, verified: vnpay.verifyIpnCall(Object.fromEntries(new URLSearchParams(tampered))).isVerified });
}

// 4. querydr: the request the library sends and its check of a signed answer.
async function querydr() {
  const respond = {
    vnp_ResponseId: 'b5e1d3c2a4f64b0e9d1c2b3a4f5e6d7c', vnp_Command: 'querydr', vnp_ResponseCode: '00', vnp_Message: 'QueryDR Success',
    vnp_TmnCode: tmnCode, vnp_TxnRef: 'G01-000123-1', vnp_Amount: '5000000', vnp_BankCode: 'NCB', vnp_PayDate: '20261205143512',
    vnp_TransactionNo: '14422574', vnp_TransactionType: '01', vnp_TransactionStatus: '00', vnp_OrderInfo: 'Nop phi ho so G01 000123',
    vnp_PromotionCode: '', vnp_PromotionAmount: '',
  };
  const fields = ['vnp_ResponseId', 'vnp_Command', 'vnp_ResponseCode', 'vnp_Message', 'vnp_TmnCode', 'vnp_TxnRef', 'vnp_Amount', 'vnp_BankCode', 'vnp_PayDate', 'vnp_TransactionNo', 'vnp_TransactionType', 'vnp_TransactionStatus', 'vnp_OrderInfo', 'vnp_PromotionCode', 'vnp_PromotionAmount'];
  const responseData = fields.map((f) => respond[f]).join('|');
  respond.vnp_SecureHash = hash(secret, Buffer.from(responseData, 'utf-8'), 'SHA512');
  let request;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      request = JSON.parse(body);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(respond));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const client = new VNPay({ tmnCode, secureSecret: secret, vnpayHost: base, queryDrAndRefundHost: base, hashAlgorithm: 'SHA512' });
  const input = { vnp_RequestId: '0123456789abcdef0123456789abcdef', vnp_IpAddr: '198.51.100.4', vnp_TxnRef: 'G01-000123-1', vnp_TransactionDate: 20261205143000, vnp_OrderInfo: 'Truy van giao dich G01-000123-1', vnp_CreateDate: 20261205150000 };
  const result = await client.queryDr(input);
  server.close();
  return { input, request, response: respond, responseData, verified: result.isVerified };
}

querydr().then((qdr) => {
  process.stdout.write(`${JSON.stringify({ generator: 'npm vnpay 2.5.0', secret, tmnCode, sign: signCases, payURL, ipn, querydr: qdr }, null, 2)}\n`);
});
