/**
 * The synthetic population's vocabulary: names, devices, acquisition
 * channels, cities and time zones, with weights where the mix matters.
 * Plain data; the generator draws from it with a keyed RNG.
 */

/** Common surnames, roughly by frequency (王 李 张 刘 陈 lead). */
export const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '于',
  '蒋',
  '蔡',
];

/** Given names of one or two characters. */
export const givenNames = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '文',
  '华',
  '红',
  '鑫',
  '婷',
  '浩',
  '宇',
  '晨',
  '欣怡',
  '子涵',
  '梓轩',
  '雨桐',
  '思远',
  '嘉怡',
  '俊杰',
  '佳琪',
  '志强',
  '海燕',
  '晓东',
  '丹',
  '雪',
  '斌',
  '凯',
  '琳',
  '颖',
  '峰',
  '博文',
];

export const englishFirst = ['Kevin', 'Amy', 'Jason', 'Lily', 'Eric', 'Vivian', 'Tony', 'Grace', 'David', 'Cindy', 'Jack', 'Helen', 'Leo', 'Coco', 'Allen', 'Judy'];
export const englishLast = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Lin', 'Ho', 'Chan', 'Ng', 'Tan', 'Lee'];

/** Mobile prefixes of the three carriers (the number is +86 1xx xxxx xxxx). */
export const phonePrefixes = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '176',
  '177',
  '180',
  '181',
  '186',
  '187',
  '188',
  '189',
  '199',
];

export type Weighted<T> = readonly (readonly [T, number])[];

export const deviceOs: Weighted<string> = [
  ['android', 0.74],
  ['ios', 0.26],
];

export const acquisitionChannels: Weighted<string> = [
  ['douyin', 0.3],
  ['wechat', 0.22],
  ['baidu_sem', 0.14],
  ['kuaishou', 0.12],
  ['app_store', 0.1],
  ['referral', 0.07],
  ['h5_ads', 0.05],
];

export const cities: Weighted<string> = [
  ['广州', 0.12],
  ['深圳', 0.11],
  ['东莞', 0.08],
  ['成都', 0.09],
  ['重庆', 0.08],
  ['郑州', 0.07],
  ['武汉', 0.07],
  ['长沙', 0.06],
  ['西安', 0.06],
  ['杭州', 0.06],
  ['上海', 0.06],
  ['北京', 0.05],
  ['南宁', 0.05],
  ['昆明', 0.04],
];

/**
 * Contacts' time zones, mostly Asia/Shanghai. `offset` is the zone's standard
 * UTC offset in hours: the generator only uses it to put organic activity in
 * local daytime, so ignoring DST there costs nothing that matters.
 */
export const timeZones: Weighted<{ zone: string; offset: number }> = [
  [{ zone: 'Asia/Shanghai', offset: 8 }, 0.9],
  [{ zone: 'Asia/Hong_Kong', offset: 8 }, 0.03],
  [{ zone: 'Asia/Singapore', offset: 8 }, 0.02],
  [{ zone: 'Asia/Tokyo', offset: 9 }, 0.015],
  [{ zone: 'Europe/London', offset: 0 }, 0.01],
  [{ zone: 'America/Los_Angeles', offset: -8 }, 0.01],
  [{ zone: 'Australia/Sydney', offset: 10 }, 0.01],
];

/** Marketing (pre-approval) limits in yuan, as the H5 page promises them. */
export const offeredLimits: Weighted<number> = [
  [3000, 0.08],
  [5000, 0.18],
  [8000, 0.2],
  [10000, 0.2],
  [15000, 0.14],
  [20000, 0.1],
  [30000, 0.06],
  [50000, 0.04],
];

/** Daily interest in yuan per ¥1,000 (0.3 = ¥0.30 a day per ¥1,000, about 10.8% a year). */
export const dailyRates: Weighted<number> = [
  [0.2, 0.15],
  [0.25, 0.25],
  [0.3, 0.3],
  [0.35, 0.2],
  [0.5, 0.1],
];

/** The application's verification steps, in order. */
export const applicationSteps = ['id_photo', 'bank_card', 'contacts', 'face_check'] as const;

export const lenders = ['橙子自营', '海星银行', '北辰消费金融', '云杉小贷'] as const;

export const riskReasons = ['multi_borrowing', 'income_unverified', 'blacklist_hit', 'age_out_of_range', 'device_risk'] as const;

/** Draw one value of a weighted list with `u` in [0, 1). */
export function pickWeighted<T>(list: Weighted<T>, u: number): T {
  const total = list.reduce((s, [, w]) => s + w, 0);
  let x = u * total;
  for (const [v, w] of list) {
    if (x < w) return v;
    x -= w;
  }
  return list[list.length - 1]![0];
}

/** Draw one element of a list with `u` in [0, 1). */
export const pick = <T>(list: readonly T[], u: number): T => list[Math.min(list.length - 1, Math.floor(u * list.length))]!;
