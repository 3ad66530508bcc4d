/**
 * Special functions and distributions against known values.
 * Sources: exact identities (noted per case); standard tables: Abramowitz & Stegun 1964,
 * Table 26.1 (normal), 26.10 (t), 26.8 (chi-square), 26.9 (F); values printed to the digits
 * those tables give.
 */
import { describe, expect, it } from 'vitest';
import {
  betaIncReg, chiSquareCdf, chiSquareQuantile, chiSquareSf, fCdf, fQuantile, fSf, gammaIncReg, lnGamma,
  normalCdf, normalQuantile, normalSf, tCdf, tQuantile, tSf,
} from '../../src/compare/stats/index.js';

describe('special functions', () => {
  it('lnGamma: Γ(½) = √π, Γ(n) = (n − 1)!, ln Γ(100) (A&S 6.1.8; factorials)', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(Math.exp(lnGamma(5))).toBeCloseTo(24, 10);
    expect(Math.exp(lnGamma(10))).toBeCloseTo(362880, 6);
    // ln(99!) = 359.13420536957539878 (Stirling series, many references)
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 10);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 12); // ln Γ(0.1), Γ(0.1) = 9.513507698668732
  });

  it('incomplete beta: closed forms I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 − (1 − x)^b, I_½(a,a) = ½', () => {
    for (const x of [0.01, 0.3, 0.77, 0.999]) {
      expect(betaIncReg(1, 1, x)).toBeCloseTo(x, 13);
      expect(betaIncReg(3.5, 1, x)).toBeCloseTo(x ** 3.5, 13);
      expect(betaIncReg(1, 4, x)).toBeCloseTo(1 - (1 - x) ** 4, 13);
    }
    for (const a of [0.5, 2, 7.3, 40]) expect(betaIncReg(a, a, 0.5)).toBeCloseTo(0.5, 13);
    expect(betaIncReg(2, 3, 0)).toBe(0);
    expect(betaIncReg(2, 3, 1)).toBe(1);
  });

  it('incomplete gamma: P(1, x) = 1 − e^{−x}; P(a, x) + Q(a, x) = 1', () => {
    for (const x of [0.1, 1, 5, 30]) {
      expect(gammaIncReg(1, x).p).toBeCloseTo(1 - Math.exp(-x), 13);
      const { p, q } = gammaIncReg(3.7, x);
      expect(p + q).toBeCloseTo(1, 14);
    }
  });
});

describe('normal distribution', () => {
  it('Φ(1) = 0.841344746, Φ(1.96) = 0.975002105, Φ(−3) = 0.001349898 (A&S Table 26.1)', () => {
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 9);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002105, 9);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898, 9);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalSf(8)).toBeCloseTo(6.22096057e-16, 22); // far tail keeps relative precision
  });

  it('quantiles: z0.975 = 1.959963985, z0.995 = 2.575829304, z0.05 = −1.644853627', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 9);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644853627, 9);
    expect(normalQuantile(0.5)).toBe(0);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe("Student's t", () => {
  it('exact: ν = 1 is Cauchy, F(t) = ½ + atan(t)/π; ν = 2: F(t) = ½ + t / (2√(2 + t²))', () => {
    for (const t of [-3, -0.5, 0.4, 2, 12.706]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 8); // 12.7062
  });

  it('table quantiles t(0.975; ν): 4.303 (2), 2.571 (5), 2.228 (10), 2.120 (16), 2.042 (30); t(0.995; 10) = 3.169', () => {
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302653, 5);
    expect(tQuantile(0.975, 5)).toBeCloseTo(2.570582, 5);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(tQuantile(0.975, 16)).toBeCloseTo(2.119905, 5);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(tQuantile(0.995, 10)).toBeCloseTo(3.169273, 5);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228139, 5);
    expect(tSf(2.228139, 10)).toBeCloseTo(0.025, 7);
  });
});

describe('F distribution', () => {
  it('exact: F(2, 2) has CDF x/(1 + x), so F0.95(2, 2) = 19; F(1, ν) = t(ν)²', () => {
    expect(fQuantile(0.95, 2, 2)).toBeCloseTo(19, 8);
    expect(fCdf(3, 2, 2)).toBeCloseTo(0.75, 13);
    expect(fQuantile(0.95, 1, 10)).toBeCloseTo(tQuantile(0.975, 10) ** 2, 7); // 4.9646
  });

  it('table quantiles F0.95: (5,10) 3.326, (10,10) 2.978, (4,20) 2.866, (3,10) 3.708; F0.99(1,1) = 4052', () => {
    expect(fQuantile(0.95, 5, 10)).toBeCloseTo(3.3258, 3);
    expect(fQuantile(0.95, 10, 10)).toBeCloseTo(2.9782, 3);
    expect(fQuantile(0.95, 4, 20)).toBeCloseTo(2.8661, 3);
    expect(fQuantile(0.95, 3, 10)).toBeCloseTo(3.7083, 3);
    expect(fQuantile(0.99, 1, 1)).toBeCloseTo(4052.18, 1);
  });

  it('lower quantile by reciprocity F_p(d1, d2) = 1 / F_{1−p}(d2, d1), and fractional df', () => {
    expect(fQuantile(0.05, 5, 10)).toBeCloseTo(1 / fQuantile(0.95, 10, 5), 10);
    const f = fQuantile(0.9, 3.4, 17.25);
    expect(fCdf(f, 3.4, 17.25)).toBeCloseTo(0.9, 10);
    expect(fSf(f, 3.4, 17.25)).toBeCloseTo(0.1, 10);
  });
});

describe('chi-square', () => {
  it('exact: k = 2 is exponential, χ²0.975(2) = −2 ln 0.025; χ²(1) = Z²', () => {
    expect(chiSquareQuantile(0.975, 2)).toBeCloseTo(-2 * Math.log(0.025), 9);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(normalQuantile(0.975) ** 2, 8); // 3.841459
    expect(chiSquareSf(3.841458821, 1)).toBeCloseTo(0.05, 9);
  });

  it('table quantiles: χ²0.95(10) = 18.307, χ²0.05(10) = 3.940, χ²0.99(5) = 15.086', () => {
    expect(chiSquareQuantile(0.95, 10)).toBeCloseTo(18.307, 3);
    expect(chiSquareQuantile(0.05, 10)).toBeCloseTo(3.9403, 3);
    expect(chiSquareQuantile(0.99, 5)).toBeCloseTo(15.0863, 3);
    expect(chiSquareCdf(0, 3)).toBe(0);
  });
});
